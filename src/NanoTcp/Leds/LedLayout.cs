namespace NanoTcp.Leds
{
    /// <summary>The LED hardware a board has (see README "What the LEDs mean").</summary>
    public enum LedLayout
    {
        /// <summary>One LED: a blink pattern per phase.</summary>
        Single = 0,
        /// <summary>Three LEDs: handshake, established, closing (TIME-WAIT blinks the closing LED).</summary>
        ThreeLeds = 1,
        /// <summary>Four LEDs: listening/link, handshake, established, closing/TIME-WAIT.</summary>
        FourLeds = 2,
        /// <summary>An RGB LED driven on/off per channel (outputs red, green, blue): a colour per phase.</summary>
        Rgb = 3,
    }
}
