using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Petrel.Native;

namespace Petrel
{
    /// <summary>The type of an import or export: a <see cref="FunctionType"/>, <see cref="GlobalType"/>, <see cref="MemoryType"/> or <see cref="TableType"/>.</summary>
    public abstract class ExternType
    {
        /// <summary>What kind of item it is.</summary>
        public abstract ExternKind Kind { get; }

        internal static unsafe ExternType Take(IntPtr t)
        {
            try
            {
                ExternKind kind;
                Interop.Check(NativeMethods.petrel_externtype_kind(t, out kind));
                switch (kind)
                {
                    case ExternKind.Func:
                        IntPtr ft;
                        Interop.Check(NativeMethods.petrel_externtype_functype(t, out ft));
                        return FunctionType.FromNative(ft);
                    case ExternKind.Global:
                        petrel_globaltype_t g;
                        Interop.Check(NativeMethods.petrel_externtype_globaltype(t, out g));
                        return new GlobalType(g.content, g.mutability);
                    case ExternKind.Memory:
                        petrel_memorytype_t m;
                        Interop.Check(NativeMethods.petrel_externtype_memorytype(t, out m));
                        return MemoryType.FromNative(m);
                    default:
                        petrel_tabletype_t tt;
                        Interop.Check(NativeMethods.petrel_externtype_tabletype(t, out tt));
                        return TableType.FromNative(tt);
                }
            }
            finally
            {
                NativeMethods.petrel_externtype_delete(t);
            }
        }
    }

    /// <summary>A function signature.</summary>
    public sealed class FunctionType : ExternType
    {
        /// <summary>A signature with these parameter and result kinds.</summary>
        public FunctionType(IReadOnlyList<ValKind> parameters, IReadOnlyList<ValKind> results)
        {
            Parameters = parameters;
            Results = results;
        }

        /// <inheritdoc/>
        public override ExternKind Kind => ExternKind.Func;

        /// <summary>The parameter kinds.</summary>
        public IReadOnlyList<ValKind> Parameters { get; }

        /// <summary>The result kinds.</summary>
        public IReadOnlyList<ValKind> Results { get; }

        internal static unsafe FunctionType FromNative(IntPtr ft)
        {
            try
            {
                ValKind* p;
                ValKind* r;
                UIntPtr np, nr;
                Interop.Check(NativeMethods.petrel_functype_params(ft, out p, out np));
                Interop.Check(NativeMethods.petrel_functype_results(ft, out r, out nr));
                var ps = new ValKind[(int)(ulong)np];
                for (var i = 0; i < ps.Length; i++)
                {
                    ps[i] = p[i];
                }
                var rs = new ValKind[(int)(ulong)nr];
                for (var i = 0; i < rs.Length; i++)
                {
                    rs[i] = r[i];
                }
                return new FunctionType(ps, rs);
            }
            finally
            {
                NativeMethods.petrel_functype_delete(ft);
            }
        }

        /// <summary>A new native function type (the caller frees it).</summary>
        internal unsafe IntPtr ToNative()
        {
            var ps = new ValKind[Parameters.Count];
            for (var i = 0; i < ps.Length; i++)
            {
                ps[i] = Parameters[i];
            }
            var rs = new ValKind[Results.Count];
            for (var i = 0; i < rs.Length; i++)
            {
                rs[i] = Results[i];
            }
            IntPtr ft;
            fixed (ValKind* p = ps)
            fixed (ValKind* r = rs)
            {
                Interop.Check(NativeMethods.petrel_functype_new(p, (UIntPtr)ps.Length, r, (UIntPtr)rs.Length, out ft));
            }
            return ft;
        }

        /// <inheritdoc/>
        public override string ToString() =>
            "(" + string.Join(", ", Parameters) + ") -> (" + string.Join(", ", Results) + ")";
    }

    /// <summary>The type of a global.</summary>
    public sealed class GlobalType : ExternType
    {
        internal GlobalType(ValKind content, Mutability mutability)
        {
            Content = content;
            Mutability = mutability;
        }

        /// <inheritdoc/>
        public override ExternKind Kind => ExternKind.Global;

        /// <summary>The kind of value held.</summary>
        public ValKind Content { get; }

        /// <summary>Whether it can be written.</summary>
        public Mutability Mutability { get; }
    }

    /// <summary>The type of a linear memory (sizes in pages of <see cref="PageSize"/> bytes).</summary>
    public sealed class MemoryType : ExternType
    {
        internal MemoryType(ulong minimum, ulong? maximum, bool is64Bit = false, ulong pageSize = 65536)
        {
            Minimum = minimum;
            Maximum = maximum;
            Is64Bit = is64Bit;
            PageSize = pageSize;
        }

        internal static MemoryType FromNative(petrel_memorytype_t t) =>
            new MemoryType(
                t.limits.minimum,
                t.limits.has_maximum != 0 ? (ulong?)t.limits.maximum : null,
                t.is_64 != 0,
                t.page_size == 0 ? 65536 : t.page_size);

        /// <inheritdoc/>
        public override ExternKind Kind => ExternKind.Memory;

        /// <summary>The minimum (for a live memory: current) size in pages.</summary>
        public ulong Minimum { get; }

        /// <summary>The maximum size in pages, if any.</summary>
        public ulong? Maximum { get; }

        /// <summary>Whether the memory is indexed with i64 (memory64).</summary>
        public bool Is64Bit { get; }

        /// <summary>The page size in bytes: 65536, or 1 for a memory declared with <c>(pagesize 1)</c>.</summary>
        public ulong PageSize { get; }
    }

    /// <summary>The type of a table (sizes in elements).</summary>
    public sealed class TableType : ExternType
    {
        internal TableType(ValKind element, ulong minimum, ulong? maximum, bool is64Bit = false)
        {
            Element = element;
            Minimum64 = minimum;
            Maximum64 = maximum;
            Is64Bit = is64Bit;
        }

        internal static TableType FromNative(petrel_tabletype_t t) =>
            new TableType(t.element, t.limits.minimum, t.limits.has_maximum != 0 ? (ulong?)t.limits.maximum : null, t.is_64 != 0);

        private static uint Saturate(ulong n) => n > uint.MaxValue ? uint.MaxValue : (uint)n;

        /// <inheritdoc/>
        public override ExternKind Kind => ExternKind.Table;

        /// <summary><see cref="ValKind.Funcref"/> or <see cref="ValKind.Externref"/>.</summary>
        public ValKind Element { get; }

        /// <summary>The minimum (for a live table: current) size (saturated to 32 bits; see <see cref="Minimum64"/>).</summary>
        public uint Minimum => Saturate(Minimum64);

        /// <summary>The maximum size, if any (saturated to 32 bits; see <see cref="Maximum64"/>).</summary>
        public uint? Maximum => Maximum64.HasValue ? (uint?)Saturate(Maximum64.Value) : null;

        /// <summary>The minimum (for a live table: current) size.</summary>
        public ulong Minimum64 { get; }

        /// <summary>The maximum size, if any.</summary>
        public ulong? Maximum64 { get; }

        /// <summary>Whether the table is indexed with i64 (memory64).</summary>
        public bool Is64Bit { get; }
    }

    /// <summary>
    /// An import of a module: <c>(module, name)</c> and its type. Each is one of
    /// <see cref="FunctionImport"/>, <see cref="GlobalImport"/>,
    /// <see cref="MemoryImport"/> or <see cref="TableImport"/> (as in wasmtime-dotnet).
    /// </summary>
    public abstract class Import
    {
        internal Import(string moduleName, string name, ExternType type)
        {
            ModuleName = moduleName;
            Name = name;
            Type = type;
        }

        internal static Import Create(string moduleName, string name, ExternType type)
        {
            switch (type.Kind)
            {
                case ExternKind.Func: return new FunctionImport(moduleName, name, (FunctionType)type);
                case ExternKind.Global: return new GlobalImport(moduleName, name, (GlobalType)type);
                case ExternKind.Memory: return new MemoryImport(moduleName, name, (MemoryType)type);
                default: return new TableImport(moduleName, name, (TableType)type);
            }
        }

        /// <summary>The module name it is imported from.</summary>
        public string ModuleName { get; }

        /// <summary>The item's name.</summary>
        public string Name { get; }

        /// <summary>The item's type.</summary>
        public ExternType Type { get; }

        /// <summary>The item's kind.</summary>
        public ExternKind Kind => Type.Kind;
    }

    /// <summary>An imported function.</summary>
    public sealed class FunctionImport : Import
    {
        internal FunctionImport(string moduleName, string name, FunctionType type) : base(moduleName, name, type) { }

        /// <summary>The parameter kinds.</summary>
        public IReadOnlyList<ValKind> Parameters => ((FunctionType)Type).Parameters;

        /// <summary>The result kinds.</summary>
        public IReadOnlyList<ValKind> Results => ((FunctionType)Type).Results;
    }

    /// <summary>An imported global.</summary>
    public sealed class GlobalImport : Import
    {
        internal GlobalImport(string moduleName, string name, GlobalType type) : base(moduleName, name, type) { }

        /// <summary>The kind of value held (wasmtime-dotnet's <c>Kind</c> is <see cref="Import.Kind"/> here).</summary>
        public ValKind Content => ((GlobalType)Type).Content;

        /// <summary>Whether it can be written.</summary>
        public Mutability Mutability => ((GlobalType)Type).Mutability;
    }

    /// <summary>An imported memory (sizes in pages).</summary>
    public sealed class MemoryImport : Import
    {
        internal MemoryImport(string moduleName, string name, MemoryType type) : base(moduleName, name, type) { }

        /// <summary>The minimum size in pages.</summary>
        public ulong Minimum => ((MemoryType)Type).Minimum;

        /// <summary>The maximum size in pages, if any.</summary>
        public ulong? Maximum => ((MemoryType)Type).Maximum;
    }

    /// <summary>An imported table (sizes in elements).</summary>
    public sealed class TableImport : Import
    {
        internal TableImport(string moduleName, string name, TableType type) : base(moduleName, name, type) { }

        /// <summary>The element kind.</summary>
        public ValKind Element => ((TableType)Type).Element;

        /// <summary>The minimum size.</summary>
        public uint Minimum => ((TableType)Type).Minimum;

        /// <summary>The maximum size, if any.</summary>
        public uint? Maximum => ((TableType)Type).Maximum;
    }

    /// <summary>
    /// An export of a module: its name and type. Each is one of
    /// <see cref="FunctionExport"/>, <see cref="GlobalExport"/>,
    /// <see cref="MemoryExport"/> or <see cref="TableExport"/>.
    /// </summary>
    public abstract class Export
    {
        internal Export(string name, ExternType type)
        {
            Name = name;
            Type = type;
        }

        internal static Export Create(string name, ExternType type)
        {
            switch (type.Kind)
            {
                case ExternKind.Func: return new FunctionExport(name, (FunctionType)type);
                case ExternKind.Global: return new GlobalExport(name, (GlobalType)type);
                case ExternKind.Memory: return new MemoryExport(name, (MemoryType)type);
                default: return new TableExport(name, (TableType)type);
            }
        }

        /// <summary>The export's name.</summary>
        public string Name { get; }

        /// <summary>The item's type.</summary>
        public ExternType Type { get; }

        /// <summary>The item's kind.</summary>
        public ExternKind Kind => Type.Kind;
    }

    /// <summary>An exported function.</summary>
    public sealed class FunctionExport : Export
    {
        internal FunctionExport(string name, FunctionType type) : base(name, type) { }

        /// <summary>The parameter kinds.</summary>
        public IReadOnlyList<ValKind> Parameters => ((FunctionType)Type).Parameters;

        /// <summary>The result kinds.</summary>
        public IReadOnlyList<ValKind> Results => ((FunctionType)Type).Results;
    }

    /// <summary>An exported global.</summary>
    public sealed class GlobalExport : Export
    {
        internal GlobalExport(string name, GlobalType type) : base(name, type) { }

        /// <summary>The kind of value held.</summary>
        public ValKind Content => ((GlobalType)Type).Content;

        /// <summary>Whether it can be written.</summary>
        public Mutability Mutability => ((GlobalType)Type).Mutability;
    }

    /// <summary>An exported memory (sizes in pages).</summary>
    public sealed class MemoryExport : Export
    {
        internal MemoryExport(string name, MemoryType type) : base(name, type) { }

        /// <summary>The minimum size in pages.</summary>
        public ulong Minimum => ((MemoryType)Type).Minimum;

        /// <summary>The maximum size in pages, if any.</summary>
        public ulong? Maximum => ((MemoryType)Type).Maximum;
    }

    /// <summary>An exported table (sizes in elements).</summary>
    public sealed class TableExport : Export
    {
        internal TableExport(string name, TableType type) : base(name, type) { }

        /// <summary>The element kind.</summary>
        public ValKind Element => ((TableType)Type).Element;

        /// <summary>The minimum size.</summary>
        public uint Minimum => ((TableType)Type).Minimum;

        /// <summary>The maximum size, if any.</summary>
        public uint? Maximum => ((TableType)Type).Maximum;
    }

    /// <summary>A compiled WebAssembly module. Thread-safe; instantiate it in any number of stores.</summary>
    public sealed class Module : IDisposable
    {
        private readonly SafeModuleHandle handle;
        private IReadOnlyList<Import> imports;
        private IReadOnlyList<Export> exports;

        private Module(IntPtr p, string name)
        {
            handle = new SafeModuleHandle(p);
            petrel_str_t s;
            Interop.Check(NativeMethods.petrel_module_name(p, out s));
            Name = Interop.String(s) ?? name;
        }

        /// <summary>The module's name: from its name section, else the one it was created with.</summary>
        public string Name { get; }

        internal Lease Use() => new Lease(handle, nameof(Module));

        /// <summary>Compiles a module from the WebAssembly text format.</summary>
        /// <exception cref="PetrelException">The text does not parse or the module is invalid.</exception>
        public static Module FromText(Engine engine, string name, string text) => FromBytes(engine, name, Interop.Utf8(text));

        /// <summary>Compiles a module from the binary format (or the text format, as UTF-8 bytes).</summary>
        /// <exception cref="PetrelException">The module is invalid.</exception>
        public static unsafe Module FromBytes(Engine engine, string name, byte[] bytes)
        {
            if (engine == null)
            {
                throw new ArgumentNullException(nameof(engine));
            }
            if (bytes == null)
            {
                throw new ArgumentNullException(nameof(bytes));
            }
            IntPtr p;
            using (var e = engine.Use())
            fixed (byte* b = bytes)
            {
                Interop.Check(NativeMethods.petrel_module_new(e.Ptr, b, (UIntPtr)bytes.Length, out p));
            }
            return new Module(p, name);
        }

        /// <summary>Compiles a module from a file in the binary or text format.</summary>
        public static Module FromFile(Engine engine, string path) =>
            FromBytes(engine, Path.GetFileNameWithoutExtension(path), File.ReadAllBytes(path));

        /// <summary>Compiles a module from a stream in the binary or text format.</summary>
        public static Module FromStream(Engine engine, string name, Stream stream)
        {
            using (var m = new MemoryStream())
            {
                stream.CopyTo(m);
                return FromBytes(engine, name, m.ToArray());
            }
        }

        /// <summary>Validates a module in the binary format without compiling it: null when valid, else why not.</summary>
        public static unsafe string Validate(Engine engine, byte[] bytes)
        {
            if (bytes == null)
            {
                throw new ArgumentNullException(nameof(bytes));
            }
            IntPtr error;
            using (var e = engine.Use())
            fixed (byte* b = bytes)
            {
                error = NativeMethods.petrel_module_validate(e.Ptr, b, (UIntPtr)bytes.Length);
            }
            if (error == IntPtr.Zero)
            {
                return null;
            }
            return Interop.ToException(error).Message;
        }

        /// <summary>Translates the WebAssembly text format to the binary format.</summary>
        public static unsafe byte[] WatToWasm(string wat)
        {
            var t = Interop.Utf8(wat);
            petrel_bytes_t b;
            fixed (byte* p = t)
            {
                Interop.Check(NativeMethods.petrel_wat2wasm(p, (UIntPtr)t.Length, out b));
            }
            return Interop.TakeBytes(ref b);
        }

        /// <summary>The compiled module as bytes for <see cref="Deserialize"/>.</summary>
        public byte[] Serialize()
        {
            petrel_bytes_t b;
            using (var m = Use())
            {
                Interop.Check(NativeMethods.petrel_module_serialize(m.Ptr, out b));
            }
            return Interop.TakeBytes(ref b);
        }

        /// <summary>
        /// Loads a module written by <see cref="Serialize"/>, checked against this
        /// engine's version and settings. The bytes hold machine code that will run:
        /// load only what you (or someone you trust) serialized.
        /// </summary>
        public static unsafe Module Deserialize(Engine engine, string name, byte[] bytes)
        {
            if (bytes == null)
            {
                throw new ArgumentNullException(nameof(bytes));
            }
            IntPtr p;
            using (var e = engine.Use())
            fixed (byte* b = bytes)
            {
                Interop.Check(NativeMethods.petrel_module_deserialize(e.Ptr, b, (UIntPtr)bytes.Length, out p));
            }
            return new Module(p, name);
        }

        /// <summary>Loads a serialized module from a file (see <see cref="Deserialize"/>).</summary>
        public static Module DeserializeFile(Engine engine, string name, string path) =>
            Deserialize(engine, name, File.ReadAllBytes(path));

        /// <summary>The module's imports, in order.</summary>
        public IReadOnlyList<Import> Imports
        {
            get
            {
                if (imports == null)
                {
                    UIntPtr n;
                    using (var m = Use())
                    {
                        var p = m.Ptr;
                        Interop.Check(NativeMethods.petrel_module_import_count(p, out n));
                        var list = new List<Import>();
                        for (ulong i = 0; i < (ulong)n; i++)
                        {
                            petrel_str_t mod, name;
                            IntPtr t;
                            Interop.Check(NativeMethods.petrel_module_import(p, (UIntPtr)i, out mod, out name, out t));
                            list.Add(Import.Create(Interop.String(mod), Interop.String(name), ExternType.Take(t)));
                        }
                        imports = list;
                    }
                }
                return imports;
            }
        }

        /// <summary>The module's exports, in order.</summary>
        public IReadOnlyList<Export> Exports
        {
            get
            {
                if (exports == null)
                {
                    UIntPtr n;
                    using (var m = Use())
                    {
                        var p = m.Ptr;
                        Interop.Check(NativeMethods.petrel_module_export_count(p, out n));
                        var list = new List<Export>();
                        for (ulong i = 0; i < (ulong)n; i++)
                        {
                            petrel_str_t name;
                            IntPtr t;
                            Interop.Check(NativeMethods.petrel_module_export(p, (UIntPtr)i, out name, out t));
                            list.Add(Export.Create(Interop.String(name), ExternType.Take(t)));
                        }
                        exports = list;
                    }
                }
                return exports;
            }
        }

        /// <summary>Frees the module. Instances made from it keep working.</summary>
        public void Dispose() => handle.Dispose();
    }
}
