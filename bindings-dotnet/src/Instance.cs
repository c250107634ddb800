using System;
using System.Collections.Generic;
using Petrel.Native;

namespace Petrel
{
    /// <summary>An instance of a module in a store: look its exports up by name.</summary>
    public sealed unsafe partial class Instance
    {
        private readonly petrel_instance_t handle;

        /// <summary>
        /// Instantiates <paramref name="module"/> with <paramref name="imports"/> in the
        /// module's import order (each a <see cref="Function"/>, <see cref="Memory"/>,
        /// <see cref="Table"/> or <see cref="Global"/> of <paramref name="store"/>).
        /// </summary>
        /// <exception cref="PetrelException">Wrong number or type of imports, an item of another store, or limits.</exception>
        /// <exception cref="TrapException">The start function trapped.</exception>
        public Instance(Store store, Module module, params object[] imports)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            if (module == null)
            {
                throw new ArgumentNullException(nameof(module));
            }
            imports = imports ?? new object[0];
            var items = new petrel_extern_t[imports.Length];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = ToExtern(imports[i], "import " + i);
            }
            petrel_instance_t h;
            IntPtr error;
            using (var m = module.Use())
            fixed (petrel_extern_t* p = items)
            {
                error = NativeMethods.petrel_instance_new(store.Ptr, m.Ptr, p, (UIntPtr)items.Length, out h);
            }
            GC.KeepAlive(store);
            Interop.Check(error);
            Store = store;
            handle = h;
        }

        internal Instance(Store store, petrel_instance_t handle)
        {
            Store = store;
            this.handle = handle;
        }

        /// <summary>The store the instance lives in.</summary>
        public Store Store { get; }

        internal petrel_instance_t Handle => handle;

        internal Instance Rebind(Store store) => new Instance(store, handle);

        internal static petrel_extern_t ToExtern(object item, string what)
        {
            var f = item as Function;
            if (f != null)
            {
                return Function.ToExtern(f.Handle);
            }
            var m = item as Memory;
            if (m != null)
            {
                return new petrel_extern_t { kind = ExternKind.Memory, store_id = m.Handle.store_id, index = m.Handle.index };
            }
            var t = item as Table;
            if (t != null)
            {
                return new petrel_extern_t { kind = ExternKind.Table, store_id = t.Handle.store_id, index = t.Handle.index };
            }
            var g = item as Global;
            if (g != null)
            {
                return new petrel_extern_t { kind = ExternKind.Global, store_id = g.Handle.store_id, index = g.Handle.index };
            }
            throw new ArgumentException(what + " is " + (item == null ? "null" : item.GetType().Name) + ", expected a Function, Memory, Table or Global");
        }

        internal static object Wrap(Store store, petrel_extern_t e)
        {
            switch (e.kind)
            {
                case ExternKind.Func: return new Function(store, new petrel_func_t { store_id = e.store_id, index = e.index });
                case ExternKind.Memory: return new Memory(store, new petrel_memory_t { store_id = e.store_id, index = e.index });
                case ExternKind.Table: return new Table(store, new petrel_table_t { store_id = e.store_id, index = e.index });
                case ExternKind.Global: return new Global(store, new petrel_global_t { store_id = e.store_id, index = e.index });
                default: throw new PetrelException("unknown extern kind " + e.kind);
            }
        }

        private object Get(string name)
        {
            if (name == null)
            {
                throw new ArgumentNullException(nameof(name));
            }
            var n = Interop.Utf8(name);
            petrel_extern_t item;
            bool found;
            fixed (byte* p = n)
            {
                Interop.Check(NativeMethods.petrel_instance_export_get(Store.Ptr, handle, p, (UIntPtr)n.Length, out item, out found));
            }
            GC.KeepAlive(Store);
            return found ? Wrap(Store, item) : null;
        }

        /// <summary>The exported function <paramref name="name"/>, or null.</summary>
        public Function GetFunction(string name) => Get(name) as Function;

        /// <summary>The exported memory <paramref name="name"/>, or null.</summary>
        public Memory GetMemory(string name) => Get(name) as Memory;

        /// <summary>The exported table <paramref name="name"/>, or null.</summary>
        public Table GetTable(string name) => Get(name) as Table;

        /// <summary>The exported global <paramref name="name"/>, or null.</summary>
        public Global GetGlobal(string name) => Get(name) as Global;

        /// <summary>Every export, in order: its name and the item (<see cref="Function"/>, <see cref="Memory"/>, <see cref="Table"/> or <see cref="Global"/>).</summary>
        public IReadOnlyList<KeyValuePair<string, object>> GetExports()
        {
            UIntPtr n;
            var s = Store.Ptr;
            Interop.Check(NativeMethods.petrel_instance_export_count(s, handle, out n));
            var list = new List<KeyValuePair<string, object>>();
            for (ulong i = 0; i < (ulong)n; i++)
            {
                petrel_str_t name;
                petrel_extern_t item;
                Interop.Check(NativeMethods.petrel_instance_export_nth(s, handle, (UIntPtr)i, out name, out item));
                list.Add(new KeyValuePair<string, object>(Interop.String(name), Wrap(Store, item)));
            }
            GC.KeepAlive(Store);
            return list;
        }
    }

    /// <summary>
    /// Resolves a module's imports by <c>(module, name)</c>: host functions
    /// (placed in each store that instantiates a module importing them), items
    /// of a store, whole instances, and WASI.
    /// </summary>
    public sealed unsafe partial class Linker : IDisposable
    {
        private readonly SafeLinkerHandle handle;
        private bool allowShadowing;

        /// <summary>An empty linker for <paramref name="engine"/>.</summary>
        public Linker(Engine engine)
        {
            if (engine == null)
            {
                throw new ArgumentNullException(nameof(engine));
            }
            IntPtr p;
            using (var e = engine.Use())
            {
                Interop.Check(NativeMethods.petrel_linker_new(e.Ptr, out p));
            }
            handle = new SafeLinkerHandle(p);
        }

        internal Lease Use() => new Lease(handle, nameof(Linker));

        /// <summary>Whether a later definition may replace an earlier one of the same name (off by default: redefining throws).</summary>
        public bool AllowShadowing
        {
            get => allowShadowing;
            set
            {
                using (var l = Use())
                {
                    Interop.Check(NativeMethods.petrel_linker_allow_shadowing(l.Ptr, value));
                }
                allowShadowing = value;
            }
        }

        /// <summary>Defines <c>module::name</c> as <paramref name="item"/> (a <see cref="Function"/>, <see cref="Memory"/>, <see cref="Table"/> or <see cref="Global"/>).</summary>
        public void Define(string module, string name, object item)
        {
            var e = Instance.ToExtern(item, "item");
            var store = StoreOf(item);
            var m = Interop.Utf8(module);
            var n = Interop.Utf8(name);
            using (var l = Use())
            fixed (byte* mp = m)
            fixed (byte* np = n)
            {
                Interop.Check(NativeMethods.petrel_linker_define(l.Ptr, store.Ptr, mp, (UIntPtr)m.Length, np, (UIntPtr)n.Length, e));
            }
            GC.KeepAlive(store);
        }

        private static Store StoreOf(object item)
        {
            if (item is Function)
            {
                return ((Function)item).Store;
            }
            if (item is Memory)
            {
                return ((Memory)item).Store;
            }
            if (item is Table)
            {
                return ((Table)item).Store;
            }
            if (item is Global)
            {
                return ((Global)item).Store;
            }
            throw new ArgumentException("expected a Function, Memory, Table or Global");
        }

        /// <summary>Defines every export of <paramref name="instance"/> as <c>module::export</c>.</summary>
        public void DefineInstance(Store store, string module, Instance instance)
        {
            if (instance == null)
            {
                throw new ArgumentNullException(nameof(instance));
            }
            var m = Interop.Utf8(module);
            using (var l = Use())
            fixed (byte* mp = m)
            {
                Interop.Check(NativeMethods.petrel_linker_define_instance(l.Ptr, store.Ptr, mp, (UIntPtr)m.Length, instance.Handle));
            }
            GC.KeepAlive(store);
        }

        /// <summary>Defines <c>module::name</c> as a host function taking and returning boxed values.</summary>
        public void DefineFunction(string module, string name, UntypedCallback callback, IReadOnlyList<ValKind> parameters, IReadOnlyList<ValKind> results)
        {
            DefineHost(module, name, new UntypedHostFunc(callback, Function.ToArray(parameters), Function.ToArray(results)));
        }

        internal void DefineHost(string module, string name, HostFunc f)
        {
            var m = Interop.Utf8(module);
            var n = Interop.Utf8(name);
            using (var l = Use())
            {
                var lp = l.Ptr;
                var ft = f.Type.ToNative();
                try
                {
                    var env = HostFunc.Registry.Add(f);
                    IntPtr error;
                    fixed (byte* mp = m)
                    fixed (byte* np = n)
                    {
                        error = NativeMethods.petrel_linker_define_func(lp, mp, (UIntPtr)m.Length, np, (UIntPtr)n.Length, ft, HostFunc.Trampoline, (IntPtr)env, HostFunc.Release);
                    }
                    // The runtime owns env from here, also on error (it calls the
                    // finalizer for a definition it refuses).
                    Interop.Check(error);
                }
                finally
                {
                    NativeMethods.petrel_functype_delete(ft);
                }
            }
        }

        /// <summary>Defines every function of <c>wasi_snapshot_preview1</c>; each uses the WASI configuration of the store it runs in (<see cref="Store.SetWasiConfiguration"/>).</summary>
        public void DefineWasi()
        {
            using (var l = Use())
            {
                Interop.Check(NativeMethods.petrel_linker_define_wasi(l.Ptr));
            }
        }

        /// <summary>Instantiates <paramref name="module"/> in <paramref name="store"/>, resolving every import by name.</summary>
        /// <exception cref="PetrelException">An undefined import, a type mismatch, or instantiation's own errors.</exception>
        public Instance Instantiate(Store store, Module module)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            if (module == null)
            {
                throw new ArgumentNullException(nameof(module));
            }
            petrel_instance_t h;
            using (var l = Use())
            using (var m = module.Use())
            {
                Interop.Check(NativeMethods.petrel_linker_instantiate(l.Ptr, store.Ptr, m.Ptr, out h));
            }
            GC.KeepAlive(store);
            return new Instance(store, h);
        }

        /// <summary>The item defined as <c>module::name</c>, placed in <paramref name="store"/>; null when undefined.</summary>
        public object Get(Store store, string module, string name)
        {
            var m = Interop.Utf8(module);
            var n = Interop.Utf8(name);
            petrel_extern_t item;
            bool found;
            using (var l = Use())
            fixed (byte* mp = m)
            fixed (byte* np = n)
            {
                Interop.Check(NativeMethods.petrel_linker_get(l.Ptr, store.Ptr, mp, (UIntPtr)m.Length, np, (UIntPtr)n.Length, out item, out found));
            }
            GC.KeepAlive(store);
            return found ? Instance.Wrap(store, item) : null;
        }

        /// <summary>The function defined as <c>module::name</c> in <paramref name="store"/>, or null.</summary>
        public Function GetFunction(Store store, string module, string name) => Get(store, module, name) as Function;

        /// <summary>Frees the linker (its host functions live on in the stores that use them).</summary>
        public void Dispose() => handle.Dispose();
    }
}
