using Xunit;

namespace NanoTcp.Portability.Tests;

public class ApiCatalogueTests
{
    private const string Sample = @"# assembly mscorlib from package nanoFramework.CoreLibrary 1.17.11 (public and protected API, declared members only)
T class System.Object
M System.Object::.ctor()
M System.Object::GetHashCode() : System.Int32
T class System.ValueType
T struct System.Int32
M System.Int32::ToString(System.String) : System.String
T struct System.Int64
T class System.Array
T class System.String
M static System.String::Format(System.String, params System.Object[]) : System.String
P System.String::Chars[System.Int32] : System.Char {get;}
P System.String::Length : System.Int32 {get;}
F static System.String::Empty : System.String
T class System.Exception
P System.Exception::Message : System.String {get;}
T class System.IO.Stream : System.MarshalByRefObject
T class System.MarshalByRefObject
T class System.IO.MemoryStream : System.IO.Stream
M System.IO.MemoryStream::.ctor(System.Byte[])
P System.IO.Stream::Position : System.Int64 {get;set;}
M System.IO.Stream::Write(System.Byte[], System.Int32, System.Int32) : System.Void
T class System.Collections.ArrayList
P System.Collections.ArrayList::Item[System.Int32] : System.Object {get;set;}
T class System.IO.Ports.SerialPort
E System.IO.Ports.SerialPort::DataReceived : System.IO.Ports.SerialDataReceivedEventHandler
T delegate System.Action`1
M System.Action`1::Invoke(T) : System.Void
T class System.Threading.Interlocked
M static System.Threading.Interlocked::Increment(System.Int32&) : System.Int32
";

    private static ApiCatalogue Catalogue() => ApiCatalogue.Parse("sample.txt", Sample);

    [Fact]
    public void Parses_types_with_explicit_and_implied_base_types()
    {
        var api = Catalogue();
        Assert.Equal("System.IO.Stream", api.GetType("System.IO.MemoryStream").BaseType);
        Assert.Equal("System.ValueType", api.GetType("System.Int32").BaseType);
        Assert.Equal("System.MulticastDelegate", api.GetType("System.Action`1").BaseType);
        Assert.Null(api.GetType("System.Object").BaseType);
        Assert.Equal(ApiTypeKind.Delegate, api.GetType("System.Action`1").Kind);
        Assert.Equal(new[] { "System.IO.MemoryStream", "System.IO.Stream", "System.MarshalByRefObject", "System.Object" },
            api.BaseChain("System.IO.MemoryStream").Select(t => t.FullName));
    }

    [Fact]
    public void Parses_methods_with_static_params_and_constructors()
    {
        var api = Catalogue();
        var format = api.MethodsNamed("System.String", "Format").Single();
        Assert.True(format.IsStatic);
        Assert.True(format.IsParams);
        Assert.Equal(new[] { "System.String", "System.Object[]" }, format.ParameterTypes);
        Assert.Equal("System.String", format.Type);
        Assert.Equal("System.String::Format(System.String, params System.Object[])", format.Signature);
        Assert.Equal("sample.txt:11", format.Origin);

        var ctor = api.MethodsNamed("System.IO.MemoryStream", ".ctor").Single();
        Assert.Equal(ApiMemberKind.Constructor, ctor.Kind);
        Assert.Equal(new[] { "System.Byte[]" }, ctor.ParameterTypes);
        Assert.Equal(new[] { "System.Int32&" }, api.MethodsNamed("System.Threading.Interlocked", "Increment").Single().ParameterTypes);
    }

    [Fact]
    public void Expands_properties_indexers_and_events_into_accessors()
    {
        var api = Catalogue();
        Assert.NotNull(api.FindMethod("System.String", "get_Length", new string[0]));
        Assert.Null(api.FindMethod("System.String", "set_Length", new[] { "System.Int32" }));
        Assert.NotNull(api.FindMethod("System.String", "get_Chars", new[] { "System.Int32" }));
        Assert.NotNull(api.FindMethod("System.Collections.ArrayList", "set_Item", new[] { "System.Int32", "System.Object" }));
        Assert.NotNull(api.FindMethod("System.IO.Stream", "set_Position", new[] { "System.Int64" }));
        Assert.NotNull(api.FindMethod("System.IO.Ports.SerialPort", "add_DataReceived", new[] { "System.IO.Ports.SerialDataReceivedEventHandler" }));
        Assert.NotNull(api.FindMethod("System.IO.Ports.SerialPort", "remove_DataReceived", new[] { "System.IO.Ports.SerialDataReceivedEventHandler" }));
        Assert.NotNull(api.FindField("System.String", "Empty"));
    }

    [Fact]
    public void Looks_members_up_the_base_chain_but_not_constructors()
    {
        var api = Catalogue();
        Assert.NotNull(api.FindMethod("System.String", "GetHashCode", new string[0]));       // from System.Object
        Assert.NotNull(api.FindMethod("System.IO.MemoryStream", "Write", new[] { "System.Byte[]", "System.Int32", "System.Int32" }));
        Assert.NotNull(api.FindMethod("System.IO.MemoryStream", "get_Position", new string[0]));
        Assert.Null(api.FindMethod("System.IO.MemoryStream", ".ctor", new string[0]));        // Object's ctor is not inherited
    }

    [Fact]
    public void Matches_params_arrays_in_expanded_form_and_implicit_conversions()
    {
        var api = Catalogue();
        // .NET binds string.Format("{0}", x) to Format(String, Object): same source, device has params.
        Assert.NotNull(api.FindMethod("System.String", "Format", new[] { "System.String", "System.Object" }));
        Assert.NotNull(api.FindMethod("System.String", "Format", new[] { "System.String", "System.Object", "System.Object", "System.Object" }));
        Assert.NotNull(api.FindMethod("System.String", "Format", new[] { "System.String", "System.Object[]" }));
        // Numeric widening: an Int32 argument fits a Int64 parameter.
        Assert.NotNull(api.FindMethod("System.IO.Stream", "set_Position", new[] { "System.Int32" }));
        // But not the other way round, nor by-ref to by-value, nor a different count.
        Assert.Null(api.FindMethod("System.Int32", "ToString", new[] { "System.String", "System.IFormatProvider" }));
        Assert.Null(api.FindMethod("System.Threading.Interlocked", "Increment", new[] { "System.Int64&" }));
        Assert.Null(api.FindMethod("System.String", "Format", new string[0]));
    }

    [Theory]
    [InlineData("X System.Foo")]
    [InlineData("T record System.Foo")]
    [InlineData("M System.Object::Foo")]
    [InlineData("M System.Object::Foo()")]
    [InlineData("M System.Nope::Foo() : System.Void")]
    [InlineData("P System.Object::Foo : System.Int32")]
    [InlineData("M System.Object::Foo(params System.Object[], System.Int32) : System.Void")]
    public void Rejects_malformed_lines_naming_file_and_line(string line)
    {
        var e = Assert.Throws<FormatException>(() => ApiCatalogue.Parse("bad.txt", "T class System.Object\n" + line));
        Assert.StartsWith("bad.txt:2: ", e.Message);
    }

    [Fact]
    public void Loads_the_real_catalogue_of_every_package()
    {
        var api = Gate.Api;
        Assert.True(api.Types.Count > 300, api.Types.Count.ToString());
        Assert.True(api.MemberCount > 1500, api.MemberCount.ToString());
        // One type from each kind of file: mscorlib, a separate package, a nested type.
        Assert.True(api.HasType("System.Object"));
        Assert.True(api.HasType("System.Text.StringBuilder"));
        Assert.True(api.HasType("System.Diagnostics.DebuggableAttribute.DebuggingModes"));
        Assert.False(api.HasType("System.Math"));
        // System.Environment is declared by nanoFramework.Runtime.Native, with TickCount64 only.
        Assert.NotNull(api.FindMethod("System.Environment", "get_TickCount64", new string[0]));
        Assert.Null(api.FindMethod("System.Environment", "get_TickCount", new string[0]));
        // Every base type named in the catalogue is itself in the catalogue.
        Assert.All(api.Types.Where(t => t.BaseType != null), t => Assert.True(api.HasType(t.BaseType), t.FullName + " : " + t.BaseType));
    }
}
