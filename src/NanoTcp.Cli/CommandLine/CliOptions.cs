using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NanoTcp.Trace;

namespace NanoTcp.Cli.CommandLine;

/// <summary>
/// Option builders that several commands share, each with the one-line error its value gets
/// when it is wrong ("--drop wants a percentage 0..100, not '150'").
/// </summary>
public static class CliOptions
{
    /// <summary>--trace off|states|segments|frames; null when not given (the description names the default).</summary>
    public static Option<TraceLevel?> Trace(string description) => new Option<TraceLevel?>("--trace")
    {
        HelpName = "off|states|segments|frames",
        Description = description,
        CustomParser = r =>
        {
            string v = r.Tokens[0].Value;
            var level = TracePrintFilter.Parse(v);
            if (level == null) r.AddError($"--trace wants off, states, segments or frames, not '{v}'");
            return level;
        },
    }.Completes("off", "states", "segments", "frames");

    /// <summary>A file to write (--pcap FILE, --svg FILE): checked when the command runs, not when it is parsed.</summary>
    public static Option<string> OutputFile(string name, string description) => new(name)
    {
        HelpName = "FILE",
        Description = description,
    };

    /// <summary>A whole number in [min, max].</summary>
    public static Option<int> Int(string name, string helpName, int min, int max, int defaultValue, string description, string what = null) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseInt(r, name, min, max, what) ?? defaultValue,
    };

    /// <summary>--seed N: a non-negative whole number.</summary>
    public static Option<uint> Seed(uint defaultValue, string description) => new("--seed")
    {
        HelpName = "N",
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string v = r.Tokens[0].Value;
            if (uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out uint seed)) return seed;
            r.AddError($"--seed wants a non-negative whole number, not '{v}'");
            return defaultValue;
        },
    };

    /// <summary>A percentage 0..100 (fractions allowed).</summary>
    public static Option<double> Percent(string name, string description) => new(name)
    {
        HelpName = "PCT",
        Description = description,
        CustomParser = r =>
        {
            string v = r.Tokens[0].Value;
            if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p >= 0 && p <= 100) return p;
            r.AddError($"{name} wants a percentage 0..100, not '{v}'");
            return 0;
        },
    };

    /// <summary>A flag (no value).</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) => new(name, aliases)
    {
        Description = description,
    };

    internal static int? ParseInt(ArgumentResult r, string name, int min, int max, string what = null)
    {
        string v = r.Tokens[0].Value;
        if (int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max) return n;
        r.AddError($"{name} wants {what ?? "a whole number"} {min}..{max}, not '{v}'");
        return null;
    }

    /// <summary>Parses the words after a command's name as the root command would, and reads them into the
    /// command's options object; null and the one-line error when they are wrong (for tests and tools).</summary>
    public static T ParseAlone<T>(Command command, IEnumerable<string> args, Func<ParseResult, T> read, out string error) where T : class
    {
        var root = new RootCommand { command };
        ParseResult r = root.Parse(new[] { command.Name }.Concat(args).ToArray());
        if (r.Errors.Count > 0)
        {
            error = CommandLineErrors.OneLine(r);
            return null;
        }
        error = null;
        return read(r);
    }

    /// <summary>Shell completion for a value from a fixed list.</summary>
    public static Option<T> Completes<T>(this Option<T> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        return option;
    }
}
