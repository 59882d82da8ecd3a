using NanoTcp.Hal;
using NanoTcp.Leds;
using NanoTcp.Tcp;

namespace NanoTcp.Tests.Leds;

public class LedControllerTests
{
    private sealed class Pin : IDigitalOutput
    {
        public bool Level;
        public int Writes;
        public void Write(bool high) { Level = high; Writes++; }
    }

    /// <summary>The single LED's level in each 125 ms slot of a 2 s cycle, as a bit mask.</summary>
    private static int SinglePattern(params TcpState[] states)
    {
        var pin = new Pin();
        var leds = new LedController(LedLayout.Single, new IDigitalOutput[] { pin });
        int mask = 0;
        for (int slot = 0; slot < 16; slot++)
        {
            leds.Begin();
            foreach (var s in states) leds.Observe(s);
            leds.Apply(10_000 + slot * 125);
            if (pin.Level) mask |= 1 << slot;
        }
        return mask;
    }

    [Theory]
    [InlineData(TcpState.Closed, 0x0000)]
    [InlineData(TcpState.Listen, 0x0001)]
    [InlineData(TcpState.SynSent, 0x5555)]
    [InlineData(TcpState.SynReceived, 0x5555)]
    [InlineData(TcpState.Established, 0xFFFF)]
    [InlineData(TcpState.FinWait1, 0x0F0F)]
    [InlineData(TcpState.FinWait2, 0x0F0F)]
    [InlineData(TcpState.CloseWait, 0x0F0F)]
    [InlineData(TcpState.Closing, 0x0F0F)]
    [InlineData(TcpState.LastAck, 0x0F0F)]
    [InlineData(TcpState.TimeWait, 0x00FF)]
    public void SingleLedBlinkPatternPerState(TcpState state, int expected)
    {
        Assert.Equal(expected, SinglePattern(state));
    }

    [Fact]
    public void SingleLedShowsTheMostEventfulConnection()
    {
        Assert.Equal(0x5555, SinglePattern(TcpState.Listen, TcpState.Established, TcpState.SynReceived));
        Assert.Equal(0x0F0F, SinglePattern(TcpState.TimeWait, TcpState.LastAck, TcpState.Established));
        Assert.Equal(0x00FF, SinglePattern(TcpState.Listen, TcpState.TimeWait, TcpState.Established));
    }

    [Fact]
    public void ErrorIsShownForThreeSecondsThenTheNormalPhaseReturns()
    {
        var pin = new Pin();
        var leds = new LedController(LedLayout.Single, new IDigitalOutput[] { pin });
        leds.ObserveError(1000);
        leds.Begin(); leds.Observe(TcpState.Listen); leds.Apply(1000);
        Assert.Equal(LedPhase.Error, leds.Phase);
        leds.Begin(); leds.Observe(TcpState.Listen); leds.Apply(3999);
        Assert.Equal(LedPhase.Error, leds.Phase);
        leds.Begin(); leds.Observe(TcpState.Listen); leds.Apply(4000);
        Assert.Equal(LedPhase.Listening, leds.Phase);
    }

    [Fact]
    public void LinkDownTurnsEverythingOff()
    {
        var pins = new[] { new Pin(), new Pin(), new Pin(), new Pin() };
        var leds = new LedController(LedLayout.FourLeds, pins);
        leds.SetLinkUp(false);
        leds.Begin(); leds.Observe(TcpState.Established); leds.Apply(0);
        Assert.Equal(LedPhase.Idle, leds.Phase);
        Assert.All(pins, p => Assert.False(p.Level));
    }

    [Fact]
    public void FourLedsShowEveryPhasePresentAtOnce()
    {
        var pins = new[] { new Pin(), new Pin(), new Pin(), new Pin() };
        var leds = new LedController(LedLayout.FourLeds, pins);
        leds.Begin();
        leds.Observe(TcpState.Listen);
        leds.Observe(TcpState.SynReceived);
        leds.Observe(TcpState.Established);
        leds.Apply(0);
        Assert.Equal(new[] { true, true, true, false }, pins.Select(p => p.Level));
        // TIME-WAIT alone blinks the closing LED: on in the first second, off in the second.
        leds.Begin(); leds.Observe(TcpState.TimeWait); leds.Apply(500);
        Assert.True(pins[3].Level);
        leds.Begin(); leds.Observe(TcpState.TimeWait); leds.Apply(1500);
        Assert.False(pins[3].Level);
    }

    [Fact]
    public void ThreeLedsFlashTogetherOnError()
    {
        var pins = new[] { new Pin(), new Pin(), new Pin() };
        var leds = new LedController(LedLayout.ThreeLeds, pins);
        leds.ObserveError(0);
        leds.Begin(); leds.Apply(0);
        Assert.All(pins, p => Assert.True(p.Level));
        leds.Begin(); leds.Apply(125);
        Assert.All(pins, p => Assert.False(p.Level));
    }

    [Theory]
    [InlineData(TcpState.Listen, false, false, true)]       // blue
    [InlineData(TcpState.SynSent, true, true, false)]       // yellow
    [InlineData(TcpState.Established, false, true, false)]  // green
    [InlineData(TcpState.LastAck, false, true, true)]       // cyan
    [InlineData(TcpState.TimeWait, true, false, true)]      // magenta
    public void RgbColourPerPhase(TcpState state, bool r, bool g, bool b)
    {
        var pins = new[] { new Pin(), new Pin(), new Pin() };
        var leds = new LedController(LedLayout.Rgb, pins);
        leds.Begin(); leds.Observe(state); leds.Apply(0);
        Assert.Equal(new[] { r, g, b }, pins.Select(p => p.Level));
    }

    [Fact]
    public void ApplyAllocatesNothing()
    {
        var leds = new LedController(LedLayout.FourLeds, new IDigitalOutput[] { new Pin(), new Pin(), new Pin(), new Pin() });
        long t = 0;
        long allocated = Support.Allocations.SteadyState(() =>
        {
            for (int i = 0; i < 10_000; i++, t++)
            {
                leds.Begin(); leds.Observe(TcpState.Established); leds.Observe(TcpState.TimeWait); leds.Apply(t);
            }
        });
        Assert.Equal(0, allocated);
    }
}
