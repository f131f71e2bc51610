package dev.roundtrip.dns.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class ZoneTest {
    static final String ZONE = """
            $ORIGIN example.org.
            $TTL 300
            @        IN SOA ns1 host ( 1 7200 3600 1209600 60 )
            @        IN NS  ns1
            ns1      IN A   198.18.5.1
            www      IN A   198.18.5.2
            alias    IN CNAME www
            *.wild   IN A   198.18.5.3
            *.wild   IN TXT "wild"
            exists.wild IN A 198.18.5.4
            a.b.deep IN A   198.18.5.5
            *        IN MX  10 mail
            sub      IN NS  ns.sub
            ns.sub   IN A   198.18.5.6
            """;

    static Zone zone() {
        return ZoneLoader.parse(new ByteArrayInputStream(ZONE.getBytes(StandardCharsets.US_ASCII)), null, "test");
    }

    static Name n(String s) {
        return Name.fromConstantString(s);
    }

    @Test
    void exactAnswerCnameNodataNxdomain() {
        Zone z = zone();
        assertThat(z.origin()).isEqualTo(n("example.org."));
        assertThat(z.lookup(n("www.example.org."), Type.A)).isInstanceOfSatisfying(ZoneLookup.Answer.class,
                a -> assertThat(a.records()).singleElement().extracting(r -> r.rdataToString()).isEqualTo("198.18.5.2"));
        assertThat(z.lookup(n("alias.example.org."), Type.A)).isInstanceOfSatisfying(ZoneLookup.Cname.class,
                c -> assertThat(c.target()).isEqualTo(n("www.example.org.")));
        assertThat(z.lookup(n("alias.example.org."), Type.CNAME)).isInstanceOf(ZoneLookup.Answer.class);
        assertThat(z.lookup(n("www.example.org."), Type.AAAA)).isInstanceOf(ZoneLookup.NoData.class);
        // Empty non-terminals exist: NODATA, not NXDOMAIN, and no wildcard match (RFC 4592 section 2.2.2).
        assertThat(z.lookup(n("b.deep.example.org."), Type.A)).isInstanceOf(ZoneLookup.NoData.class);
        assertThat(z.lookup(n("deep.example.org."), Type.A)).isInstanceOf(ZoneLookup.NoData.class);
    }

    @Test
    void wildcardsFollowRfc4592() {
        Zone z = zone();
        assertThat(z.lookup(n("x.wild.example.org."), Type.A)).isInstanceOfSatisfying(ZoneLookup.Answer.class, a -> {
            assertThat(a.records()).singleElement().satisfies(r -> {
                assertThat(r.getName()).isEqualTo(n("x.wild.example.org.")); // owner synthesised
                assertThat(r.rdataToString()).isEqualTo("198.18.5.3");
            });
        });
        assertThat(z.lookup(n("x.wild.example.org."), Type.AAAA)).isInstanceOf(ZoneLookup.NoData.class);
        // An existing name is never wildcard-matched.
        assertThat(z.lookup(n("exists.wild.example.org."), Type.TXT)).isInstanceOf(ZoneLookup.NoData.class);
        // Closest encloser is deep (an ENT) and *.deep does not exist: NXDOMAIN even though *.example.org exists.
        assertThat(z.lookup(n("zz.b.deep.example.org."), Type.MX)).isInstanceOf(ZoneLookup.NxDomain.class);
        // The apex wildcard matches names whose closest encloser is the apex.
        assertThat(z.lookup(n("nothing.example.org."), Type.MX)).isInstanceOf(ZoneLookup.Answer.class);
        assertThat(z.lookup(n("nothing.example.org."), Type.A)).isInstanceOf(ZoneLookup.NoData.class);
        // More than one label below the wildcard's owner still matches.
        assertThat(z.lookup(n("a.b.wild.example.org."), Type.A)).isInstanceOf(ZoneLookup.Answer.class);
    }

    @Test
    void delegationsWinBelowTheCutWithGlue() {
        Zone z = zone();
        assertThat(z.lookup(n("host.sub.example.org."), Type.A)).isInstanceOfSatisfying(ZoneLookup.Referral.class, r -> {
            assertThat(r.cut()).isEqualTo(n("sub.example.org."));
            assertThat(r.ns()).hasSize(1);
            assertThat(r.glue()).singleElement().extracting(g -> g.rdataToString()).isEqualTo("198.18.5.6");
        });
        assertThat(z.lookup(n("sub.example.org."), Type.NS)).isInstanceOf(ZoneLookup.Referral.class);
        assertThat(z.lookup(n("ns.sub.example.org."), Type.A)).isInstanceOf(ZoneLookup.Referral.class);
        assertThat(z.lookup(n("sub.example.org."), Type.DS)).isInstanceOf(ZoneLookup.NoData.class);
    }

    @Test
    void badZonesFailNamingTheDefect() {
        String noSoa = "$ORIGIN x.org.\n@ 300 IN NS ns\n";
        assertThatThrownBy(() -> ZoneLoader.parse(new ByteArrayInputStream(noSoa.getBytes()), n("x.org."), "t"))
                .hasMessageContaining("no SOA");
        String cnameAndData = "$ORIGIN x.org.\n@ 300 IN SOA ns h 1 2 3 4 5\n@ 300 IN NS ns\na 300 IN CNAME b\na 300 IN A 198.18.0.1\n";
        assertThatThrownBy(() -> ZoneLoader.parse(new ByteArrayInputStream(cnameAndData.getBytes()), null, "t"))
                .hasMessageContaining("CNAME and other data");
        String garbage = "$ORIGIN x.org.\n@ 300 IN SOA ns h 1 2 3 4 5\n@ 300 IN A not-an-address\n";
        assertThatThrownBy(() -> ZoneLoader.parse(new ByteArrayInputStream(garbage.getBytes()), null, "t"))
                .isInstanceOf(ZoneException.class).hasMessageStartingWith("t:");
    }

    @Test
    void demoHierarchyLoadsFromTheClasspath() {
        assertThat(DemoZones.root().origin()).isEqualTo(Name.root);
        assertThat(DemoZones.com().lookup(n("api.example.com."), Type.A)).isInstanceOfSatisfying(ZoneLookup.Referral.class,
                r -> assertThat(r.glue()).extracting(g -> g.rdataToString()).contains("198.18.0.53"));
        assertThat(DemoZones.root().lookup(n("api.example.com."), Type.A)).isInstanceOfSatisfying(ZoneLookup.Referral.class,
                r -> assertThat(r.glue()).extracting(g -> g.rdataToString()).contains("198.18.0.30"));
        assertThat(DemoZones.exampleCom().lookup(n("www.example.com."), Type.A)).isInstanceOf(ZoneLookup.Cname.class);
        assertThat(DemoZones.rootServers()).extracting(a -> a.getAddress().getHostAddress()).contains("198.18.0.4");
    }
}
