using System.Text.RegularExpressions;
using NanoTcp.Firmware.Boards;
using NanoTcp.Leds;
using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>
/// boards/&lt;board&gt;/README.md and firmware/Boards/BoardPins.cs describe the same wiring: the
/// tables a person wires from must match the pins the firmware drives. Also the ESP32 pin rules.
/// </summary>
public class BoardPinsTests
{
    public static IEnumerable<object[]> Boards() => BoardPins.All().Select(b => new object[] { b.Name });

    private static BoardPins Board(string name) => BoardPins.All().Single(b => b.Name == name);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "NanoTcp.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return dir.FullName;
    }

    /// <summary>Rows "| first | number | ..." of the README, first cell → number.</summary>
    private static Dictionary<string, int> Table(string readme)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(readme))
        {
            var m = Regex.Match(line, @"^\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|");
            if (m.Success)
                map[m.Groups[1].Value] = int.Parse(m.Groups[2].Value);
        }
        return map;
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void Readme_wiring_table_matches_BoardPins(string name)
    {
        var b = Board(name);
        var readme = Path.Combine(RepoRoot(), "boards", name, "README.md");
        Assert.True(File.Exists(readme), readme + " is missing");
        var t = Table(readme);

        Assert.Equal(b.Sck, t["SCK"]);
        Assert.Equal(b.Mosi, t["MOSI"]);
        Assert.Equal(b.Miso, t["MISO"]);
        Assert.Equal(b.Cs, t["CS"]);
        Assert.Equal(b.Int, t["INT"]);
        Assert.Equal(b.Reset, t["RESET"]);
        Assert.Equal(b.ConsoleTx, t["COM2 TX"]);
        Assert.Equal(b.ConsoleRx, t["COM2 RX"]);

        var text = File.ReadAllText(readme);
        Assert.Contains("`LedLayout." + b.Leds + "`", text);
        // LED rows: "| what | gpio |" after the LED heading, in the layout's order.
        var ledSection = text.Substring(text.IndexOf("## LEDs", StringComparison.Ordinal));
        var ledPins = Regex.Matches(ledSection, @"^\|[^|]+\|\s*(\d+)\s*\|\s*$", RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value)).ToArray();
        Assert.Equal(b.LedPins, ledPins);
        Assert.True(File.Exists(Path.Combine(RepoRoot(), "boards", name, "wiring.svg")), "wiring.svg is missing");
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void Pins_follow_the_ESP32_rules(string name)
    {
        var b = Board(name);
        var outputs = new List<int> { b.Sck, b.Mosi, b.Cs, b.Reset, b.ConsoleTx };
        var all = new List<int>(outputs) { b.Miso, b.Int, b.ConsoleRx };
        all.AddRange(b.LedPins);
        outputs.AddRange(b.LedPins);

        Assert.Equal(all.Count, all.Distinct().Count());                        // no pin used twice
        Assert.Equal(LedController.OutputCount(b.Leds), b.LedPins.Length);
        Assert.InRange(b.SpiClockHz, BoardPins.MinSpiClockHz, BoardPins.MaxSpiClockHz);
        if (name.Contains("s3"))
        {
            // S3: strapping 0/3/45/46, USB 19/20, flash and octal PSRAM 26-37, UART0 43/44.
            Assert.DoesNotContain(all, p => p == 0 || p == 3 || p == 45 || p == 46 || p == 19 || p == 20 || (p >= 26 && p <= 37) || p == 43 || p == 44);
        }
        else
        {
            Assert.DoesNotContain(all, p => p == 1 || p == 3 || (p >= 6 && p <= 11)); // debugger UART, flash
            Assert.DoesNotContain(outputs, p => p >= 34 && p <= 39);            // input-only pins
            // Strapping pins only for LEDs the board itself wires there (on-board LED, kit's RGB LED).
            var spiAndConsole = new[] { b.Sck, b.Mosi, b.Miso, b.Cs, b.Int, b.Reset, b.ConsoleTx, b.ConsoleRx };
            Assert.DoesNotContain(spiAndConsole, p => p == 0 || p == 2 || p == 5 || p == 12 || p == 15);
            if (name.Contains("wrover"))
                Assert.DoesNotContain(all, p => p == 16 || p == 17);             // PSRAM
        }
    }

    [Fact]
    public void Default_build_is_the_DevKitC() => Assert.Equal("esp32-devkitc", BoardPins.Selected().Name);
}
