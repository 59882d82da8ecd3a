using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>Proof that the gate fails where nanoFramework would, and only there.</summary>
public class GateFailsTests
{
    private const string NotInApi = " is not in the nanoFramework API (firmware/api)";

    [Fact]
    public void Reports_List_MathMin_and_StringJoin_naming_each_member()
    {
        var offenders = Gate.CheckSource(@"
using System;
using System.Collections.Generic;
namespace Snip
{
    public static class Bad
    {
        public static int UsesList() { var l = new List<int>(); l.Add(1); return l.Count; }
        public static int UsesMin(int a, int b) { return Math.Min(a, b); }
        public static string UsesJoin(string[] parts) { return string.Join("","", parts); }
    }
}");
        var report = Gate.Describe(offenders);

        Assert.Contains(offenders, o => o.Message ==
            "Snip.Bad::UsesList(): generic instantiation System.Collections.Generic.List`1<System.Int32>");
        Assert.Contains(offenders, o => o.Message ==
            "Snip.Bad::UsesMin(System.Int32, System.Int32): System.Math::Min(System.Int32, System.Int32)" + NotInApi
            + " (no type System.Math on the device)");
        Assert.Contains(offenders, o => o.Location == "Snip.Bad::UsesJoin(System.String[])"
            && o.Subject == "System.String::Join(System.String, System.String[])"
            && o.Message.Contains(NotInApi));
        // The report a developer sees names all three.
        Assert.Contains("List`1<System.Int32>", report);
        Assert.Contains("System.Math::Min", report);
        Assert.Contains("System.String::Join", report);
        Assert.Equal(3, offenders.Count);
    }

    [Fact]
    public void Reports_nothing_for_code_within_the_portable_subset()
    {
        var offenders = Gate.CheckSource(@"
using System;
namespace Snip
{
    public delegate void FrameHandler(byte[] frame, int length);

    public enum State { Closed, Listen, Established }

    public struct Endpoint
    {
        public uint Address;
        public int Port;
        public override string ToString() { return string.Format(""{0}:{1}"", Address, Port); }
    }

    public sealed class ParseException : Exception
    {
        public ParseException(string message) : base(message) { }
    }

    public sealed class Good
    {
        private readonly byte[] _buffer = new byte[64];
        private static readonly byte[] Table = { 1, 2, 3, 4 };
        private readonly object _lock = new object();
        private int _count;

        public int Count { get { return _count; } set { _count = value; } }
        public string Name { get; set; }
        public State State { get; private set; }
        public event FrameHandler Received;

        public string Hex(int value) { return value.ToString(""X2""); }

        public void Copy(byte[] source, int offset, int length)
        {
            Array.Copy(source, offset, _buffer, 0, length);
            Array.Copy(Table, _buffer, 4);
            Array.Clear(_buffer, 0, 4);
        }

        public string Line(long nowMs, string what, int seq)
        {
            return string.Format(""[{0,7}] {1,-5} seq={2:X8}"", nowMs, what, seq) + "" "" + what + $"" {seq}"" + '!' + what.Length;
        }

        public void Raise()
        {
            FrameHandler handler = Received;
            if (handler != null) handler(_buffer, _buffer.Length);
            lock (_lock) { _count++; }
            Log();
            State = State.Established;
        }

        public int Hash(string s) { return s.GetHashCode() ^ s.Length; }

        public byte[] Bytes(int x) { return BitConverter.GetBytes(x); }

        public void Fail(int code)
        {
            if (code < 0) throw new ArgumentOutOfRangeException(""code"");
            if (code > 9) throw new ParseException(""bad code "" + code.ToString());
        }

        public string Kind(string s)
        {
            switch (s) { case ""syn"": return ""S""; case ""fin"": return ""F""; case ""rst"": return ""R""; default: return ""?""; }
        }

        private static void Log(params object[] args) { }
    }
}");
        Assert.True(offenders.Count == 0, Gate.Describe(offenders));
    }

    [Fact]
    public void Reports_nothing_for_everyday_language_features_that_the_device_supports()
    {
        // Guards against false alarms as the stack grows: each construct below compiles to
        // catalogue members (or is a lowering the gate knows the device build does differently).
        var offenders = Gate.CheckSource(@"
using System;
using System.Collections;
using System.Diagnostics;
using System.Threading;
namespace Snip
{
    public delegate int Transform(int x);

    [Flags]
    public enum Flags : byte { None = 0, Syn = 1, Ack = 2 }

    public readonly struct Seq
    {
        public readonly uint Value;
        public Seq(uint value) { Value = value; }
        public bool Before(Seq other) { return (int)(Value - other.Value) < 0; }
        public override bool Equals(object obj) { return obj is Seq s && s.Value == Value; }
        public override int GetHashCode() { return (int)Value; }
    }

    public sealed class Options
    {
        public int Mss { get; init; }
        public const int DefaultWindow = 2048;
    }

    public sealed class Worker : IDisposable
    {
        private static readonly string[] Names = { ""syn"", ""ack"" };
        private readonly AutoResetEvent _wake = new AutoResetEvent(false);
        private readonly ArrayList _list = new ArrayList();
        private readonly Hashtable _table = new Hashtable();
        private Thread _thread;
        private int _running;

        static Worker() { Debug.WriteLine(""init""); }

        public void Start()
        {
            _thread = new Thread(Loop);
            _thread.Start();
            Interlocked.Increment(ref _running);
        }

        private void Loop()
        {
            while (_wake.WaitOne(100, false)) { Thread.Sleep(1); }
        }

        public string Describe(Flags f, byte b, string line)
        {
            string result = string.Empty;
            foreach (var name in Names) result += name;
            foreach (object o in _list) result += o.ToString();
            if (f.HasFlag(Flags.Ack)) result += b.ToString(""X2"");
            string[] parts = line.Trim().Split(new char[] { ' ' });
            result += parts[0].Substring(1).PadLeft(5, '0') + line.IndexOf(':') + DateTime.UtcNow.Ticks;
            result += $""{b,4:X2}|{line,-8}|{Options.DefaultWindow}"";
            _table[""k""] = 1;
            try { checked { result += (b + 1).ToString(); } }
            catch (InvalidOperationException) { result = null; }
            finally { _list.Clear(); }
            Transform t = x => x * 2;
            int Local(int y) { return t(y) + 1; }
            var o2 = new Options { Mss = 1460 };
            return result + Local(o2.Mss) + string.Concat(line, line, line, line, line);
        }

        public void Check(object x) { if (x == null) throw new ArgumentNullException(nameof(x)); }

        public void Dispose() { _wake.Set(); _running = 0; }
    }
}");
        Assert.True(offenders.Count == 0, Gate.Describe(offenders));
    }

    [Theory]
    // In nanoFramework.System.Text: passes although it is not in mscorlib.
    [InlineData("var sb = new System.Text.StringBuilder(); sb.Append(\"a\"); return sb.ToString();", null)]
    [InlineData("return BitConverter.GetBytes(42).Length.ToString();", null)]
    // Inherited: GetHashCode is declared on System.Object, looked up through String's base chain.
    [InlineData("return \"abc\".GetHashCode().ToString();", null)]
    // In nanoFramework.Runtime.Native.
    [InlineData("return Environment.TickCount64.ToString();", null)]
    [InlineData("var a = new byte[4]; var b = new byte[4]; Buffer.BlockCopy(a, 0, b, 0, 4); return null;",
        "System.Buffer::BlockCopy(System.Array, System.Int32, System.Array, System.Int32, System.Int32)")]
    [InlineData("var a = new byte[4]; Array.Fill(a, (byte)1); return null;",
        "System.Array::Fill<System.Byte>(!!0[], !!0)")]
    [InlineData("return Environment.TickCount.ToString();", "System.Environment::get_TickCount()")]
    [InlineData("return \"a.b\".Replace(\".\", \":\");", "System.String::Replace(System.String, System.String)")]
    [InlineData("return \"abc\".IndexOf(\"b\", StringComparison.Ordinal).ToString();",
        "System.String::IndexOf(System.String, System.StringComparison)")]
    [InlineData("int? x = 1; return x.ToString();", "System.Nullable`1<System.Int32>")]
    [InlineData("var t = System.Threading.Tasks.Task.Delay(1); return null;", "System.Threading.Tasks.Task::Delay(System.Int32)")]
    [InlineData("var x = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(new byte[2]); return null;",
        "System.ReadOnlySpan`1<System.Byte>")]
    [InlineData("object o = new object(); System.Threading.Monitor.Pulse(o); return null;", "System.Threading.Monitor::Pulse(System.Object)")]
    // A type used only in a catch clause.
    [InlineData("try { return 1.ToString(); } catch (OverflowException) { return null; }", "System.OverflowException")]
    // Inherited lookup finds nothing: nanoFramework's WaitHandle has no Close().
    [InlineData("var e = new System.Threading.AutoResetEvent(false); e.Close(); return null;", "System.Threading.WaitHandle::Close()")]
    // .NET binds s.Split(c) to Split(Char, StringSplitOptions = None); the device has Split(params Char[]).
    // Reported (optional parameters are not modelled): write s.Split(new char[] { ' ' }).
    [InlineData("return \"a b\".Split(' ')[0];", "System.String::Split(System.Char, System.StringSplitOptions)")]
    public void Judges_members_like_the_device(string body, string expectedSubject)
    {
        var offenders = Gate.CheckSource(@"
using System;
namespace Snip
{
    public static class Case
    {
        public static string Run() { " + body + @" }
    }
}");
        if (expectedSubject == null)
        {
            Assert.True(offenders.Count == 0, Gate.Describe(offenders));
            return;
        }
        Assert.Contains(offenders, o => o.Location == "Snip.Case::Run()" && o.Subject == expectedSubject);
    }

    [Fact]
    public void Reports_generic_definitions_and_generic_signatures()
    {
        var offenders = Gate.CheckSource(@"
using System;
using System.Collections.Generic;
namespace Snip
{
    public class Box<T> { public T Value; }
    public class Numbers : IEnumerable<int>
    {
        public IEnumerator<int> GetEnumerator() { return null; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() { return null; }
    }
    public static class Util
    {
        public static Dictionary<string, int> Map;
        public static T Same<T>(T x) { return x; }
        public static int UseSame() { return Same(1); }
        public static void Handler(Action<int> a) { }
    }
}");
        var messages = offenders.Select(o => o.Message).ToList();
        var report = Gate.Describe(offenders);
        Assert.Contains("Snip.Box`1: generic type definition Snip.Box`1<T>", messages);
        Assert.Contains("Snip.Numbers: generic instantiation System.Collections.Generic.IEnumerable`1<System.Int32>", messages);
        Assert.Contains("Snip.Util::Map: generic instantiation System.Collections.Generic.Dictionary`2<System.String,System.Int32>", messages);
        Assert.Contains("Snip.Util::Same(T): generic method definition Snip.Util::Same<T>", messages);
        Assert.Contains("Snip.Util::UseSame(): generic method instantiation Snip.Util::Same<System.Int32>(T)", messages);
        Assert.Contains("Snip.Util::Handler(System.Action`1<System.Int32>): generic instantiation System.Action`1<System.Int32>", messages);
        Assert.DoesNotContain(offenders, o => o.Location.StartsWith("assembly", StringComparison.Ordinal));
        Assert.True(offenders.Count >= 6, report);
    }

    [Fact]
    public void Reports_a_generic_type_in_an_attribute_argument()
    {
        var offenders = Gate.CheckSource(@"
using System;
namespace Snip
{
    public sealed class KindAttribute : Attribute { public KindAttribute(Type t) { } }
    [Kind(typeof(System.Collections.Generic.List<int>))]
    public sealed class Tagged { }
}");
        Assert.Contains(offenders, o => o.Message == "Snip.Tagged: generic instantiation System.Collections.Generic.List`1<System.Int32>");
    }

    [Fact]
    public void Reports_an_override_of_a_member_the_device_lacks()
    {
        var offenders = Gate.CheckSource(@"
namespace Snip
{
    public sealed class Failure : System.Exception
    {
        public override string Source { get { return ""x""; } set { } }
    }
}");
        Assert.Contains(offenders, o => o.Message == "Snip.Failure::get_Source(): overrides System.Exception::get_Source()" + NotInApi);
    }
}
