using System.CommandLine;
using System.CommandLine.Parsing;

namespace NanoTcp.Cli.CommandLine;

/// <summary>Turns what the parser found wrong into the one line the user reads on stderr.</summary>
public static class CommandLineErrors
{
    /// <summary>"nanotcp tap: --drop wants a percentage 0..100, not '150'"; "nanotcp tap: unknown option '--x' (nanotcp tap --help lists the options)".</summary>
    public static string OneLine(ParseResult result)
    {
        string command = CommandPath(result.CommandResult);
        string message;
        bool usage = true; // the user mistyped the command line itself: point at the help
        if (result.UnmatchedTokens.Count > 0)
        {
            string t = result.UnmatchedTokens[0];
            message = t.StartsWith('-') ? $"unknown option '{t}'"
                : result.CommandResult.Parent == null ? $"unknown command '{t}'"
                : $"unexpected argument '{t}'";
        }
        else if (result.Errors.Count == 0)
        {
            message = "the command line could not be read";
        }
        else
        {
            ParseError e = result.Errors[0];
            if (e.SymbolResult is OptionResult o && o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0)
            {
                message = $"{o.Option.Name} needs a value";
            }
            else if (e.SymbolResult is ArgumentResult a && a.Tokens.Count > 0 && a.Tokens[0].Value.StartsWith('-') && a.Tokens[0].Value != "-")
            {
                // An optional argument takes any word, so an unknown option arrives as its value.
                message = $"unknown option '{a.Tokens[0].Value}'";
            }
            else
            {
                message = e.Message; // our own parsers' messages say what is wanted
                usage = false;
            }
        }
        return usage ? $"{command}: {message} ({command} --help lists the options)" : $"{command}: {message}";
    }

    /// <summary>"nanotcp lab" for the lab command's result; "nanotcp" for the root.</summary>
    public static string CommandPath(SymbolResult result)
    {
        var names = new List<string>();
        for (SymbolResult r = result; r != null; r = r.Parent)
        {
            if (r is CommandResult c && r.Parent != null) names.Insert(0, c.Command.Name);
        }
        names.Insert(0, "nanotcp");
        return string.Join(' ', names);
    }
}
