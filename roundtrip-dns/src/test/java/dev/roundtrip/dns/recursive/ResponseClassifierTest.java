package dev.roundtrip.dns.recursive;

import static dev.roundtrip.dns.recursive.DnsCacheTest.n;
import static dev.roundtrip.dns.recursive.DnsCacheTest.rr;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What responses mean, and what of them is kept: the bailiwick rule. */
class ResponseClassifierTest {

    static Message response(boolean aa, int rcode) {
        Message m = new Message(1);
        m.getHeader().setFlag(Flags.QR);
        if (aa) {
            m.getHeader().setFlag(Flags.AA);
        }
        m.getHeader().setRcode(rcode);
        return m;
    }

    @Test
    void referralKeepsOnlyInBailiwickGlueForItsOwnServers() {
        Message m = response(false, Rcode.NOERROR);
        m.addRecord(rr("example.com. 172800 NS ns1.example.com."), Section.AUTHORITY);
        m.addRecord(rr("example.com. 172800 NS ns.other.net."), Section.AUTHORITY);
        m.addRecord(rr("ns1.example.com. 172800 A 198.18.0.53"), Section.ADDITIONAL);
        m.addRecord(rr("ns.other.net. 172800 A 198.18.66.66"), Section.ADDITIONAL); // not under com.: dropped
        m.addRecord(rr("www.example.com. 172800 A 198.18.66.67"), Section.ADDITIONAL); // not a server: dropped
        var c = ResponseClassifier.classify(m, n("com."), n("api.example.com."), Type.A);
        assertThat(c).isInstanceOfSatisfying(ResponseClassifier.Referral.class, r -> {
            assertThat(r.child()).isEqualTo(n("example.com."));
            assertThat(r.ns()).hasSize(2);
            assertThat(r.glue()).extracting(Record::rdataToString).containsExactly("198.18.0.53");
        });
    }

    @Test
    void upwardAndSidewaysReferralsAreLame() {
        Message up = response(false, Rcode.NOERROR);
        up.addRecord(rr(". 518400 NS a.root-servers.net."), Section.AUTHORITY);
        assertThat(ResponseClassifier.classify(up, n("com."), n("api.example.com."), Type.A)).isInstanceOf(ResponseClassifier.Lame.class);
        Message sideways = response(false, Rcode.NOERROR);
        sideways.addRecord(rr("example.net. 172800 NS ns.example.net."), Section.AUTHORITY);
        assertThat(ResponseClassifier.classify(sideways, n("com."), n("api.example.com."), Type.A)).isInstanceOf(ResponseClassifier.Lame.class);
    }

    @Test
    void answersOutOfBailiwickOrOffTheChainAreIgnored() {
        Message m = response(true, Rcode.NOERROR);
        m.addRecord(rr("api.example.com. 300 A 198.18.1.10"), Section.ANSWER);
        m.addRecord(rr("bank.example.net. 300 A 198.18.66.66"), Section.ANSWER);
        var c = ResponseClassifier.classify(m, n("example.com."), n("api.example.com."), Type.A);
        assertThat(c).isInstanceOfSatisfying(ResponseClassifier.Answer.class,
                a -> assertThat(a.rrset()).extracting(Record::rdataToString).containsExactly("198.18.1.10"));

        Message only = response(true, Rcode.NOERROR);
        only.addRecord(rr("api.example.com. 300 A 198.18.66.66"), Section.ANSWER);
        // A server for example.org. answering about example.com. gives nothing usable.
        assertThat(ResponseClassifier.classify(only, n("example.org."), n("api.example.com."), Type.A))
                .isNotInstanceOf(ResponseClassifier.Answer.class);
    }

    @Test
    void cnameToAnotherZoneIsFollowedAfresh() {
        Message m = response(true, Rcode.NOERROR);
        m.addRecord(rr("www.example.com. 300 CNAME cdn.example.net."), Section.ANSWER);
        m.addRecord(rr("cdn.example.net. 300 A 198.18.66.66"), Section.ANSWER); // not ours to say: ignored
        var c = ResponseClassifier.classify(m, n("example.com."), n("www.example.com."), Type.A);
        assertThat(c).isInstanceOfSatisfying(ResponseClassifier.Cname.class, cn -> {
            assertThat(cn.target()).isEqualTo(n("cdn.example.net."));
            assertThat(cn.cnames()).hasSize(1);
        });
    }

    @Test
    void negativeAnswersNeedAuthorityAndKeepTheirSoa() {
        Message nx = response(true, Rcode.NXDOMAIN);
        nx.addRecord(rr("example.com. 300 SOA ns1.example.com. h.example.com. 1 2 3 4 300"), Section.AUTHORITY);
        assertThat(ResponseClassifier.classify(nx, n("example.com."), n("nope.example.com."), Type.A))
                .isInstanceOfSatisfying(ResponseClassifier.NxDomain.class, x -> assertThat(x.soa()).isNotNull());
        Message forged = response(false, Rcode.NXDOMAIN);
        assertThat(ResponseClassifier.classify(forged, n("example.com."), n("api.example.com."), Type.A))
                .isInstanceOf(ResponseClassifier.Lame.class);
        Message nodata = response(true, Rcode.NOERROR);
        nodata.addRecord(rr("example.com. 300 SOA ns1.example.com. h.example.com. 1 2 3 4 300"), Section.AUTHORITY);
        assertThat(ResponseClassifier.classify(nodata, n("example.com."), n("api.example.com."), Type.TXT))
                .isInstanceOf(ResponseClassifier.NoData.class);
        assertThat(ResponseClassifier.classify(response(false, Rcode.SERVFAIL), n("."), n("com."), Type.A))
                .isInstanceOf(ResponseClassifier.Lame.class);
    }
}
