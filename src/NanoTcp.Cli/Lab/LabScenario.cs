namespace NanoTcp.Cli.Lab;

/// <summary>
/// A textbook question reproduced on the wire: a deterministic script on the <see cref="LabBench"/>,
/// a short explanation of what to look for, and the segments the exchange must show (checked by
/// the tests, so a behaviour change cannot silently break a lab handout).
/// </summary>
public abstract class LabScenario
{
    protected LabScenario(string name, string title, string lookFor)
    {
        Name = name;
        Title = title;
        LookFor = lookFor;
    }

    public string Name { get; }
    public string Title { get; }

    /// <summary>What a student should look for in the diagram, a few lines.</summary>
    public string LookFor { get; }

    /// <summary>Runs the exchange; returns a one-line outcome for the console.</summary>
    public abstract string Run(LabBench bench);
}
