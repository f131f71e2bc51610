package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.http.h3.QuicLimits.CongestionControl;
import org.junit.jupiter.api.Test;

class HeadOfLineCommandTest {
    @Test
    void congestionControlDefaultsToTheKernelsAndStaysWithinWhatANamespaceMayUse() {
        assertThat(HeadOfLineCommand.congestionControl(null, "bbr", "reno bbr")).isEqualTo(CongestionControl.BBR);
        assertThat(HeadOfLineCommand.congestionControl(null, "cubic", "reno cubic")).isEqualTo(CongestionControl.CUBIC);
        assertThat(HeadOfLineCommand.congestionControl("reno", "bbr", "reno bbr")).isEqualTo(CongestionControl.RENO);
        // the namespace's own default is always allowed, listed or not
        assertThat(HeadOfLineCommand.congestionControl("cubic", "cubic", "reno")).isEqualTo(CongestionControl.CUBIC);

        assertThatThrownBy(() -> HeadOfLineCommand.congestionControl("cubic", "bbr", "reno bbr"))
                .hasMessageContaining("--congestion-control cubic: Linux lets a network namespace use only its default (bbr)")
                .hasMessageContaining("sysctl -w net.ipv4.tcp_allowed_congestion_control='reno bbr cubic'");
        assertThatThrownBy(() -> HeadOfLineCommand.congestionControl("vegas", "bbr", "reno bbr vegas"))
                .hasMessage("--congestion-control vegas: QUIC (quiche) has cubic, reno and bbr; choose one with --congestion-control");
        assertThatThrownBy(() -> HeadOfLineCommand.congestionControl(null, "htcp", "reno htcp"))
                .hasMessageStartingWith("the kernel's default congestion control htcp: QUIC (quiche) has cubic, reno and bbr");
    }
}
