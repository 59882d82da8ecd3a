#nullable enable

namespace NanoTcp.Cli.Lab.Script;

/// <summary>The two ends of the lab's cable.</summary>
public enum LabSide
{
    Pc,
    Board,
}

/// <summary>
/// A lab scenario as written in the lab's text format (see <see cref="LabScriptParser"/>): who
/// opens and closes, what data flows, which segment is dropped, delayed or duplicated, and the
/// settings of both stacks. The built-in scenarios are written in it too.
/// </summary>
public sealed class LabScript
{
    public string Name = "";
    public string Title = "";
    /// <summary>What a student should look for, a few lines (the "&gt; " lines).</summary>
    public string LookFor = "";
    /// <summary>True when the lesson is about time: diagrams default to a time-proportional axis.</summary>
    public bool TimeAxis;
    /// <summary>The scenario drawn beside this one in compare mode, when none is named.</summary>
    public string? CompareWith;
    /// <summary>Where the file came from ("built-in", or its path), for error messages.</summary>
    public string Source = "";
    /// <summary>Draw the ladder from the first segment with one of these flags (e.g. FIN): the lesson's part.</summary>
    public int DrawFromFlags;
    /// <summary>Show the receive window in textbook view (a lesson about flow control).</summary>
    public bool ShowWindow;

    public readonly LabSideSettings Pc = new();
    public readonly LabSideSettings Board = new();
    /// <summary>One-way time on the wire, milliseconds (both directions).</summary>
    public int TransitMs;
    public string Outcome = "";
    public readonly List<LabStep> Steps = new();
    public readonly List<LabQuiz> Quizzes = new();

    public LabSideSettings Settings(LabSide side) => side == LabSide.Pc ? Pc : Board;
}

/// <summary>Per-side stack settings; null = the stack's default.</summary>
public sealed class LabSideSettings
{
    public int? MslMs;
    public int? WindowBytes;
    public int? DelayedAckMs;
    public int? RtoInitialMs;
}

/// <summary>A multiple-choice question of the worksheet: the first option listed is the right one.</summary>
public sealed record LabQuiz(int Line, string Question, IReadOnlyList<string> Options);

/// <summary>One line of the script's body, executed in order at the current virtual time.</summary>
public abstract record LabStep(int Line);

/// <summary>`board listens on 7` (reads everything), `board echoes on 7` (the echo service).</summary>
public sealed record ListenStep(int Line, LabSide Side, int Port, bool Echo) : LabStep(Line);

/// <summary>`pc connects to 7 from 40000`.</summary>
public sealed record ConnectStep(int Line, LabSide Side, int RemotePort, int LocalPort) : LabStep(Line);

/// <summary>`pc sends "text"` or `pc sends 4000 bytes`.</summary>
public sealed record SendStep(int Line, LabSide Side, byte[] Data, string Shown) : LabStep(Line);

/// <summary>`pc closes` (FIN; keeps reading), `pc aborts` (RST).</summary>
public sealed record CloseStep(int Line, LabSide Side, bool Abort) : LabStep(Line);

/// <summary>`board stops reading` / `board reads again`.</summary>
public sealed record ReadingStep(int Line, LabSide Side, bool Reading) : LabStep(Line);

/// <summary>`wait 300 ms`.</summary>
public sealed record WaitStep(int Line, long Ms) : LabStep(Line);

/// <summary>`wait until pc is TIME-WAIT` (Side null: both), `wait until board has received 4000 bytes`.</summary>
public sealed record WaitUntilStep(int Line, LabSide? Side, string? State, int? Bytes, long LimitMs) : LabStep(Line);

/// <summary>`on board CLOSE-WAIT: board closes`: runs the action the instant the state is entered,
/// inside the stack's event (as an lwIP raw-API application's callback would), before any segment leaves.</summary>
public sealed record OnStateStep(int Line, LabSide Side, string State, LabStep Action) : LabStep(Line);

/// <summary>What a fault does to the segment it matches.</summary>
public enum LabFaultAction
{
    Drop,
    Delay,
    Duplicate,
}

/// <summary>Which segments a fault counts.</summary>
public enum LabSegmentKind
{
    Any,
    Syn,
    SynAck,
    /// <summary>A pure ACK: no data, no SYN, FIN or RST.</summary>
    Ack,
    /// <summary>A pure ACK sent from TIME-WAIT: the last ACK of a close.</summary>
    FinalAck,
    Data,
    Fin,
    Rst,
}

/// <summary>`drop the board's first SYN-ACK`, `delay the pc's 2nd data segment by 300 ms`,
/// `duplicate the pc's first data segment, the copy 400 ms late`.</summary>
public sealed record FaultStep(int Line, LabFaultAction Action, LabSide Side, int Ordinal, LabSegmentKind Kind, int ExtraMs, string Description) : LabStep(Line);

/// <summary>`inject old SYN from pc seq 1000`: a segment sent long ago arrives now at the other side.</summary>
public sealed record InjectOldSynStep(int Line, LabSide From, uint Seq, int SourcePort, int DestinationPort) : LabStep(Line);

/// <summary>A script that cannot be read or run: the file, the line and what is wrong.</summary>
public sealed class LabScriptException : Exception
{
    public LabScriptException(string source, int line, string message)
        : base(line > 0 ? $"{source}:{line}: {message}" : $"{source}: {message}")
    {
        Line = line;
        Reason = message;
    }

    public int Line { get; }
    public string Reason { get; }
}
