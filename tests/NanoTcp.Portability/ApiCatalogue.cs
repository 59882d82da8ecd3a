using System.Text;

namespace NanoTcp.Portability;

public enum ApiTypeKind { Class, Struct, Enum, Interface, Delegate }

public enum ApiMemberKind { Method, Constructor, Field }

/// <summary>One type of the nanoFramework API (possibly declared in several files).</summary>
public sealed class ApiType
{
    public ApiType(string fullName, ApiTypeKind kind, string baseType, string source)
    {
        FullName = fullName;
        Kind = kind;
        BaseType = baseType;
        Source = source;
    }

    /// <summary>Namespace.Type, nested types joined with a dot, generics with backtick arity.</summary>
    public string FullName { get; }
    public ApiTypeKind Kind { get; }
    /// <summary>The base type as the catalogue gives it, or implied by the kind; null for System.Object.</summary>
    public string BaseType { get; internal set; }
    /// <summary>Catalogue file that declares the type (e.g. mscorlib.txt).</summary>
    public string Source { get; }
    public List<ApiMember> Members { get; } = new List<ApiMember>();

    public bool IsValueType => Kind == ApiTypeKind.Struct || Kind == ApiTypeKind.Enum;

    public override string ToString() => FullName;
}

/// <summary>
/// A method, constructor or field. Properties and events are expanded into their accessor
/// methods (get_/set_, add_/remove_), because that is what compiled code references.
/// </summary>
public sealed class ApiMember
{
    public ApiMember(ApiMemberKind kind, string declaringType, string name, IReadOnlyList<string> parameterTypes,
        bool isParams, bool isStatic, string type, string origin)
    {
        Kind = kind;
        DeclaringType = declaringType;
        Name = name;
        ParameterTypes = parameterTypes;
        IsParams = isParams;
        IsStatic = isStatic;
        Type = type;
        Origin = origin;
    }

    public ApiMemberKind Kind { get; }
    public string DeclaringType { get; }
    /// <summary>Member name; ".ctor" for constructors; accessor name for properties and events.</summary>
    public string Name { get; }
    /// <summary>Parameter types without the params keyword (a params parameter is still T[]).</summary>
    public IReadOnlyList<string> ParameterTypes { get; }
    /// <summary>True when the last parameter is a params array.</summary>
    public bool IsParams { get; }
    public bool IsStatic { get; }
    /// <summary>Return type (methods) or field type; null for constructors.</summary>
    public string Type { get; }
    /// <summary>"file:line" of the catalogue line this member comes from.</summary>
    public string Origin { get; }

    public string Signature => Kind == ApiMemberKind.Field
        ? DeclaringType + "::" + Name
        : DeclaringType + "::" + Name + "(" + FormatParameters() + ")";

    private string FormatParameters()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < ParameterTypes.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            if (IsParams && i == ParameterTypes.Count - 1) sb.Append("params ");
            sb.Append(ParameterTypes[i]);
        }
        return sb.ToString();
    }

    public override string ToString() => Signature;
}

/// <summary>
/// The nanoFramework API as listed in firmware/api/*.txt (format: firmware/api/README.md).
/// Answers "does this type / method / field exist on the device", looking members up on the
/// declaring type and then up its base-type chain, since the files list declared members only.
/// </summary>
public sealed class ApiCatalogue
{
    private readonly Dictionary<string, ApiType> _types = new Dictionary<string, ApiType>(StringComparer.Ordinal);

    public IReadOnlyCollection<ApiType> Types => _types.Values;

    public int MemberCount => _types.Values.Sum(t => t.Members.Count);

    /// <summary>Loads every *.txt file of a directory (firmware/api).</summary>
    public static ApiCatalogue Load(string directory)
    {
        var files = Directory.GetFiles(directory, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new FileNotFoundException("no nanoFramework API files (*.txt) in " + directory);
        var catalogue = new ApiCatalogue();
        foreach (var file in files)
            catalogue.AddLines(Path.GetFileName(file), File.ReadAllLines(file));
        catalogue.Complete();
        return catalogue;
    }

    /// <summary>Parses catalogue text (one or more files' worth); for tests and tools.</summary>
    public static ApiCatalogue Parse(string source, string text)
    {
        var catalogue = new ApiCatalogue();
        catalogue.AddLines(source, text.Split('\n'));
        catalogue.Complete();
        return catalogue;
    }

    /// <summary>
    /// The catalogue directory: the copy next to the tool (made at build time), else the
    /// firmware/api folder in <paramref name="start"/> or above it (default: working directory).
    /// </summary>
    public static string FindApiDirectory(string start = null)
    {
        // Next to the tool (copied at build time), else firmware/api above the working directory.
        var beside = Path.Combine(AppContext.BaseDirectory, "firmware-api");
        if (start == null && Directory.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "firmware", "api");
            if (Directory.Exists(candidate)) return candidate;
        }
        return Directory.Exists(beside) ? beside : null;
    }

    public bool HasType(string fullName) => _types.ContainsKey(fullName);

    public ApiType GetType(string fullName) => _types.TryGetValue(fullName, out var t) ? t : null;

    /// <summary>The type and its base types, most derived first (catalogue types only).</summary>
    public IEnumerable<ApiType> BaseChain(string fullName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = GetType(fullName); t != null && seen.Add(t.FullName); t = t.BaseType == null ? null : GetType(t.BaseType))
            yield return t;
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="ancestor"/> or derives from it.</summary>
    public bool IsSameOrSubclass(string type, string ancestor) =>
        BaseChain(type).Any(t => t.FullName == ancestor);

    /// <summary>
    /// Methods of that name visible on the type: declared there or inherited (constructors are
    /// not inherited, so only the type's own are returned for ".ctor").
    /// </summary>
    public IEnumerable<ApiMember> MethodsNamed(string type, string name)
    {
        var chain = name == ".ctor" ? BaseChain(type).Take(1) : BaseChain(type);
        return chain.SelectMany(t => t.Members)
            .Where(m => m.Kind != ApiMemberKind.Field && m.Name == name);
    }

    public ApiMember FindField(string type, string name) =>
        BaseChain(type).SelectMany(t => t.Members).FirstOrDefault(m => m.Kind == ApiMemberKind.Field && m.Name == name);

    /// <summary>
    /// Finds a method that a call compiled against .NET with these parameter types would also
    /// bind to when the same source is compiled for nanoFramework: the same signature, or one
    /// whose parameters accept the arguments by an implicit conversion (numeric widening, to a
    /// base type, to System.Object), or a params method taking the arguments in expanded form
    /// (.NET's string.Format(String, Object) is nanoFramework's Format(String, params Object[])).
    /// </summary>
    public ApiMember FindMethod(string type, string name, IReadOnlyList<string> parameterTypes)
    {
        var candidates = MethodsNamed(type, name).ToList();
        return candidates.FirstOrDefault(c => c.ParameterTypes.SequenceEqual(parameterTypes, StringComparer.Ordinal))
            ?? candidates.FirstOrDefault(c => AcceptsNormalForm(c, parameterTypes))
            ?? candidates.FirstOrDefault(c => AcceptsExpandedForm(c, parameterTypes));
    }

    private bool AcceptsNormalForm(ApiMember c, IReadOnlyList<string> args)
    {
        if (c.ParameterTypes.Count != args.Count) return false;
        for (int i = 0; i < args.Count; i++)
            if (!IsImplicitlyConvertible(args[i], c.ParameterTypes[i])) return false;
        return true;
    }

    private bool AcceptsExpandedForm(ApiMember c, IReadOnlyList<string> args)
    {
        if (!c.IsParams) return false;
        int fixedCount = c.ParameterTypes.Count - 1;
        if (args.Count < fixedCount) return false;
        for (int i = 0; i < fixedCount; i++)
            if (!IsImplicitlyConvertible(args[i], c.ParameterTypes[i])) return false;
        var paramsArray = c.ParameterTypes[fixedCount];
        var element = paramsArray.EndsWith("[]", StringComparison.Ordinal) ? paramsArray.Substring(0, paramsArray.Length - 2) : null;
        if (element == null) return false;
        for (int i = fixedCount; i < args.Count; i++)
            if (!IsImplicitlyConvertible(args[i], element)) return false;
        return true;
    }

    // C# implicit numeric conversions (spec §10.2.3), between the types nanoFramework has.
    private static readonly Dictionary<string, string[]> NumericWidening = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["System.SByte"] = new[] { "System.Int16", "System.Int32", "System.Int64", "System.Single", "System.Double" },
        ["System.Byte"] = new[] { "System.Int16", "System.UInt16", "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double" },
        ["System.Int16"] = new[] { "System.Int32", "System.Int64", "System.Single", "System.Double" },
        ["System.UInt16"] = new[] { "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double" },
        ["System.Char"] = new[] { "System.UInt16", "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double" },
        ["System.Int32"] = new[] { "System.Int64", "System.Single", "System.Double" },
        ["System.UInt32"] = new[] { "System.Int64", "System.UInt64", "System.Single", "System.Double" },
        ["System.Int64"] = new[] { "System.Single", "System.Double" },
        ["System.UInt64"] = new[] { "System.Single", "System.Double" },
        ["System.Single"] = new[] { "System.Double" },
    };

    /// <summary>
    /// A deliberately small model of C# implicit conversions: identity, numeric widening,
    /// boxing or reference conversion to a base type in the catalogue (System.Object,
    /// System.ValueType, System.Enum, System.Array, ...). ref/out must match exactly.
    /// Interface conversions are not modelled (the catalogue does not list implemented
    /// interfaces), so they count as "not convertible" and get reported: safe side.
    /// </summary>
    public bool IsImplicitlyConvertible(string from, string to)
    {
        if (string.Equals(from, to, StringComparison.Ordinal)) return true;
        if (from.EndsWith("&", StringComparison.Ordinal) || to.EndsWith("&", StringComparison.Ordinal)) return false;
        if (to == "System.Object") return true;
        if (NumericWidening.TryGetValue(from, out var wider) && Array.IndexOf(wider, to) >= 0) return true;
        if (from.EndsWith("]", StringComparison.Ordinal)) return to == "System.Array";
        return IsSameOrSubclass(from, to);
    }

    // ---------------------------------------------------------------- parsing

    private void AddLines(string source, IEnumerable<string> lines)
    {
        int number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var origin = source + ":" + number;
            try
            {
                AddLine(line, origin);
            }
            catch (FormatException e)
            {
                throw new FormatException(origin + ": " + e.Message + ": " + line, e);
            }
        }
    }

    private void AddLine(string line, string origin)
    {
        if (line.Length < 3 || line[1] != ' ') throw new FormatException("expected 'T|M|P|F|E <text>'");
        var text = line.Substring(2);
        switch (line[0])
        {
            case 'T': AddType(text, origin); break;
            case 'M': AddMethod(text, origin); break;
            case 'P': AddProperty(text, origin); break;
            case 'F': AddField(text, origin); break;
            case 'E': AddEvent(text, origin); break;
            default: throw new FormatException("unknown line kind '" + line[0] + "'");
        }
    }

    // T class|struct|enum|interface|delegate Namespace.Type [: BaseType]
    private void AddType(string text, string origin)
    {
        var space = text.IndexOf(' ');
        if (space < 0) throw new FormatException("type line without a name");
        var kind = text.Substring(0, space) switch
        {
            "class" => ApiTypeKind.Class,
            "struct" => ApiTypeKind.Struct,
            "enum" => ApiTypeKind.Enum,
            "interface" => ApiTypeKind.Interface,
            "delegate" => ApiTypeKind.Delegate,
            var other => throw new FormatException("unknown type kind '" + other + "'"),
        };
        var rest = text.Substring(space + 1);
        string name = rest, baseType = null;
        var colon = rest.IndexOf(" : ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            name = rest.Substring(0, colon).Trim();
            baseType = rest.Substring(colon + 3).Trim();
        }
        var file = origin.Substring(0, origin.LastIndexOf(':'));
        if (_types.TryGetValue(name, out var existing))
        {
            // The same type may be declared in more than one file; members merge.
            if (existing.BaseType == null && baseType != null) existing.BaseType = baseType;
            return;
        }
        _types.Add(name, new ApiType(name, kind, baseType, file));
    }

    // M [static] Namespace.Type::Method(ParamType, ...) : ReturnType   |   M Namespace.Type::.ctor(...)
    private void AddMethod(string text, string origin)
    {
        bool isStatic = StripStatic(ref text);
        var sep = text.IndexOf("::", StringComparison.Ordinal);
        if (sep <= 0) throw new FormatException("member without 'Type::Name'");
        var type = text.Substring(0, sep);
        var after = text.Substring(sep + 2);
        int open = after.IndexOf('(');
        if (open <= 0) throw new FormatException("method without a parameter list");
        int close = MatchingParen(after, open);
        var name = after.Substring(0, open);
        var tail = after.Substring(close + 1).Trim();
        string returnType = null;
        if (tail.StartsWith(":", StringComparison.Ordinal)) returnType = tail.Substring(1).Trim();
        else if (tail.Length != 0) throw new FormatException("unexpected text after the parameter list");
        if (returnType == null && name != ".ctor") throw new FormatException("method without a return type");
        var (parameters, isParams) = ParseParameters(after.Substring(open + 1, close - open - 1));
        var kind = name == ".ctor" ? ApiMemberKind.Constructor : ApiMemberKind.Method;
        AddMember(new ApiMember(kind, type, name, parameters, isParams, isStatic, returnType, origin));
    }

    // P [static] Namespace.Type::Property : Type {get;set;}     (indexers: Item[System.Int32])
    private void AddProperty(string text, string origin)
    {
        bool isStatic = StripStatic(ref text);
        var (type, name, rest) = SplitMember(text);
        var brace = rest.IndexOf('{');
        if (!rest.StartsWith(": ", StringComparison.Ordinal) || brace < 0 || !rest.EndsWith("}", StringComparison.Ordinal))
            throw new FormatException("property without ': Type {accessors}'");
        var propertyType = rest.Substring(2, brace - 2).Trim();
        var accessors = rest.Substring(brace + 1, rest.Length - brace - 2).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IReadOnlyList<string> indexParameters = Array.Empty<string>();
        var bracket = name.IndexOf('[');
        if (bracket >= 0)
        {
            if (!name.EndsWith("]", StringComparison.Ordinal)) throw new FormatException("bad indexer");
            indexParameters = ParseParameters(name.Substring(bracket + 1, name.Length - bracket - 2)).Item1;
            name = name.Substring(0, bracket);
        }
        if (accessors.Length == 0) throw new FormatException("property without accessors");
        foreach (var accessor in accessors)
        {
            if (accessor == "get")
                AddMember(new ApiMember(ApiMemberKind.Method, type, "get_" + name, indexParameters, false, isStatic, propertyType, origin));
            else if (accessor == "set")
                AddMember(new ApiMember(ApiMemberKind.Method, type, "set_" + name, indexParameters.Append(propertyType).ToArray(), false, isStatic, "System.Void", origin));
            else
                throw new FormatException("unknown accessor '" + accessor + "'");
        }
    }

    // F [static] Namespace.Type::Field : Type
    private void AddField(string text, string origin)
    {
        bool isStatic = StripStatic(ref text);
        var (type, name, rest) = SplitMember(text);
        if (!rest.StartsWith(": ", StringComparison.Ordinal)) throw new FormatException("field without ': Type'");
        AddMember(new ApiMember(ApiMemberKind.Field, type, name, Array.Empty<string>(), false, isStatic, rest.Substring(2).Trim(), origin));
    }

    // E Namespace.Type::Event : HandlerType
    private void AddEvent(string text, string origin)
    {
        bool isStatic = StripStatic(ref text);
        var (type, name, rest) = SplitMember(text);
        if (!rest.StartsWith(": ", StringComparison.Ordinal)) throw new FormatException("event without ': HandlerType'");
        var handler = new[] { rest.Substring(2).Trim() };
        AddMember(new ApiMember(ApiMemberKind.Method, type, "add_" + name, handler, false, isStatic, "System.Void", origin));
        AddMember(new ApiMember(ApiMemberKind.Method, type, "remove_" + name, handler, false, isStatic, "System.Void", origin));
    }

    private static bool StripStatic(ref string text)
    {
        if (!text.StartsWith("static ", StringComparison.Ordinal)) return false;
        text = text.Substring(7);
        return true;
    }

    /// <summary>"Type::Name rest" → (Type, Name-with-parameters, rest).</summary>
    private static (string type, string name, string rest) SplitMember(string text)
    {
        var sep = text.IndexOf("::", StringComparison.Ordinal);
        if (sep <= 0) throw new FormatException("member without 'Type::Name'");
        var type = text.Substring(0, sep);
        var after = text.Substring(sep + 2);
        // The name ends at the first space outside brackets/parentheses.
        int depth = 0, end = after.Length;
        for (int i = 0; i < after.Length; i++)
        {
            char c = after[i];
            if (c == '(' || c == '[' || c == '<') depth++;
            else if (c == ')' || c == ']' || c == '>') depth--;
            else if (c == ' ' && depth == 0) { end = i; break; }
        }
        return (type, after.Substring(0, end), after.Substring(end).Trim());
    }

    private static int MatchingParen(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }
        throw new FormatException("unbalanced parentheses");
    }

    /// <summary>Splits "A, params B[]" at top-level commas (multi-dimensional "[,]" stays whole).</summary>
    private static (IReadOnlyList<string>, bool) ParseParameters(string text)
    {
        var result = new List<string>();
        bool isParams = false;
        if (text.Trim().Length == 0) return (result, false);
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length)
            {
                char c = text[i];
                if (c == '[' || c == '<' || c == '(') depth++;
                else if (c == ']' || c == '>' || c == ')') depth--;
                if (c != ',' || depth != 0) continue;
            }
            var p = text.Substring(start, i - start).Trim();
            if (p.StartsWith("params ", StringComparison.Ordinal))
            {
                if (i < text.Length) throw new FormatException("params on a parameter that is not the last");
                isParams = true;
                p = p.Substring(7).Trim();
            }
            if (p.Length == 0) throw new FormatException("empty parameter type");
            result.Add(p);
            start = i + 1;
        }
        return (result, isParams);
    }

    private void AddMember(ApiMember member)
    {
        if (!_types.TryGetValue(member.DeclaringType, out var type))
            throw new FormatException("member of a type with no 'T' line: " + member.DeclaringType);
        type.Members.Add(member);
    }

    /// <summary>Fills in the base types the format leaves implicit.</summary>
    private void Complete()
    {
        foreach (var t in _types.Values)
        {
            if (t.BaseType != null || t.FullName == "System.Object") continue;
            t.BaseType = t.Kind switch
            {
                ApiTypeKind.Struct => "System.ValueType",
                ApiTypeKind.Enum => "System.Enum",
                ApiTypeKind.Delegate => "System.MulticastDelegate",
                // Interfaces have no base class; the compiler emits System.Object's members
                // against System.Object itself, so this only makes lookups total.
                _ => "System.Object",
            };
        }
    }
}
