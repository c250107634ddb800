using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Petrel.Native;

namespace Petrel
{
    /// <summary>
    /// A host function without static types: it receives the arguments as boxed
    /// values (<c>int</c>, <c>long</c>, <c>float</c>, <c>double</c>, <see cref="V128"/>,
    /// <see cref="Function"/> or null, any object or null for externref) and fills
    /// <paramref name="results"/> (pre-sized to the result count).
    /// </summary>
    public delegate void UntypedCallback(Caller caller, object[] arguments, object[] results);

    /// <summary>
    /// A host function registered with native code. Native code holds its index in
    /// <see cref="Registry"/> as the callback's <c>env</c>, never a managed pointer;
    /// the C finalizer, called when the last store or linker using it is freed,
    /// removes it, so the delegate lives exactly as long as wasm can call it.
    /// It holds no reference to a Store (the registry is a static root, so that
    /// would keep an undisposed store alive forever): a callback that needs its
    /// store finds it through <c>petrel_caller_data</c>, a weak handle.
    /// </summary>
    internal abstract unsafe class HostFunc
    {
        internal static readonly Slab<HostFunc> Registry = new Slab<HostFunc>();
        internal static readonly petrel_callback_t Trampoline = TrampolineImpl;
        internal static readonly petrel_finalizer_t Release = ReleaseImpl;

        protected HostFunc(ValKind[] parameters, ValKind[] results, bool wantsCaller)
        {
            Type = new FunctionType(parameters, results);
            var refs = wantsCaller;
            foreach (var k in parameters)
            {
                refs |= k == ValKind.Funcref || k == ValKind.Externref;
            }
            foreach (var k in results)
            {
                refs |= k == ValKind.Funcref || k == ValKind.Externref;
            }
            NeedsStore = refs;
        }

        internal FunctionType Type { get; }

        /// <summary>Whether <see cref="Invoke"/> needs the managed store (a Caller parameter, or reference values).</summary>
        internal bool NeedsStore { get; }

        /// <summary>Reads the arguments from <paramref name="args"/>, calls the delegate, writes the results to the same array.</summary>
        internal abstract void Invoke(IntPtr caller, petrel_valraw_t* args, Store store);

        private static IntPtr TrampolineImpl(IntPtr env, IntPtr caller, petrel_valraw_t* args, UIntPtr nargs, UIntPtr nresults)
        {
            try
            {
                var f = Registry.Get((int)env);
                if (f == null)
                {
                    throw new PetrelException("host function was released");
                }
                Store store = null;
                if (f.NeedsStore)
                {
                    IntPtr data;
                    Interop.Check(NativeMethods.petrel_caller_data(caller, out data));
                    store = Store.FromData(data);
                }
                f.Invoke(caller, args, store);
                return IntPtr.Zero;
            }
            catch (Exception e)
            {
                // Carried through wasm in the error's tag and rethrown, as itself,
                // out of the call that reached this function (Interop.Check).
                return Interop.HostError(e);
            }
        }

        private static void ReleaseImpl(IntPtr env)
        {
            Registry.Take((int)env);
        }

        /// <summary>Creates the function in <paramref name="store"/>.</summary>
        internal Function Create(Store store)
        {
            var sp = store.Ptr;
            var ft = Type.ToNative();
            try
            {
                // From here the runtime owns env: it calls Release when the store
                // is freed, and also at once if petrel_func_new fails.
                var env = Registry.Add(this);
                petrel_func_t h;
                var error = NativeMethods.petrel_func_new(sp, ft, Trampoline, (IntPtr)env, Release, out h);
                GC.KeepAlive(store);
                Interop.Check(error);
                return new Function(store, h, Type);
            }
            finally
            {
                NativeMethods.petrel_functype_delete(ft);
            }
        }
    }

    /// <summary>A host function taking and returning boxed values.</summary>
    internal sealed unsafe class UntypedHostFunc : HostFunc
    {
        private readonly UntypedCallback callback;

        internal UntypedHostFunc(UntypedCallback callback, ValKind[] parameters, ValKind[] results)
            : base(parameters, results, true)
        {
            this.callback = callback ?? throw new ArgumentNullException(nameof(callback));
        }

        internal override void Invoke(IntPtr caller, petrel_valraw_t* args, Store store)
        {
            var ps = Type.Parameters;
            var rs = Type.Results;
            var a = new object[ps.Count];
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = Values.FromRaw(store, ps[i], &args[i]);
            }
            var r = new object[rs.Count];
            var c = new Caller(caller, store);
            try
            {
                callback(c, a, r);
            }
            finally
            {
                c.Invalidate();
            }
            for (var i = 0; i < r.Length; i++)
            {
                Values.ToRaw(store, rs[i], r[i], &args[i], i, "result");
            }
        }
    }

    /// <summary>
    /// A function of a store: exported by an instance or made from a .NET delegate
    /// (<see cref="FromCallback(Store, UntypedCallback, IReadOnlyList{ValKind}, IReadOnlyList{ValKind})"/>).
    /// Call it with <see cref="Invoke"/> or, faster, through a typed delegate
    /// (<c>WrapFunc</c>/<c>WrapAction</c>, or <see cref="Instance"/>'s typed <c>GetFunction</c>).
    /// </summary>
    public sealed partial class Function
    {
        private FunctionType type;

        internal Function(Store store, petrel_func_t handle, FunctionType type = null)
        {
            Store = store;
            Handle = handle;
            this.type = type;
        }

        /// <summary>The store the function belongs to.</summary>
        public Store Store { get; }

        internal petrel_func_t Handle { get; }

        /// <summary>The same {store_id, index} presented with another store (for misuse tests: the C API must refuse it).</summary>
        internal Function Rebind(Store store) => new Function(store, Handle);

        /// <summary>Whether <paramref name="obj"/> is the same function of the same store.</summary>
        public override bool Equals(object obj)
        {
            var o = obj as Function;
            return o != null && o.Store == Store && o.Handle.store_id == Handle.store_id && o.Handle.index == Handle.index;
        }

        /// <inheritdoc/>
        public override int GetHashCode() => Handle.store_id.GetHashCode() * 31 + Handle.index.GetHashCode();

        /// <summary>The function's signature.</summary>
        public FunctionType Type
        {
            get
            {
                if (type == null)
                {
                    IntPtr ft;
                    Interop.Check(NativeMethods.petrel_func_type(Store.Ptr, Handle, out ft));
                    GC.KeepAlive(Store);
                    type = FunctionType.FromNative(ft);
                }
                return type;
            }
        }

        /// <summary>The parameter kinds.</summary>
        public IReadOnlyList<ValKind> Parameters => Type.Parameters;

        /// <summary>The result kinds.</summary>
        public IReadOnlyList<ValKind> Results => Type.Results;

        /// <summary>The index of this function as a reference value in <paramref name="store"/>; throws when it belongs to another store.</summary>
        internal ulong RefIndex(Store store)
        {
            if (Handle.store_id != store.Id || Store != store)
            {
                throw new PetrelException("wrong store: the function is not in this store");
            }
            return (ulong)Handle.index;
        }

        /// <summary>A host function of the given signature in <paramref name="store"/>.</summary>
        public static Function FromCallback(Store store, UntypedCallback callback, IReadOnlyList<ValKind> parameters, IReadOnlyList<ValKind> results)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            return new UntypedHostFunc(callback, ToArray(parameters), ToArray(results)).Create(store);
        }

        internal static ValKind[] ToArray(IReadOnlyList<ValKind> kinds)
        {
            var a = new ValKind[kinds == null ? 0 : kinds.Count];
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = kinds[i];
            }
            return a;
        }

        /// <summary>
        /// Calls the function with boxed arguments. Returns null for no result, the
        /// value for one, an <c>object[]</c> for several.
        /// </summary>
        /// <exception cref="ArgumentException">Wrong argument count or type.</exception>
        /// <exception cref="TrapException">Wasm trapped.</exception>
        /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
        public unsafe object Invoke(params object[] arguments)
        {
            arguments = arguments ?? new object[] { null };
            var t = Type;
            var np = t.Parameters.Count;
            var nr = t.Results.Count;
            if (arguments.Length != np)
            {
                throw new ArgumentException("expected " + np + " arguments, got " + arguments.Length);
            }
            var n = Math.Max(Math.Max(np, nr), 1);
            byte* space = stackalloc byte[16 * (n + 1)];
            var buf = Interop.Align16(space);
            for (var i = 0; i < n; i++)
            {
                buf[i] = default(petrel_valraw_t);
            }
            var store = Store;
            for (var i = 0; i < np; i++)
            {
                Values.ToRaw(store, t.Parameters[i], arguments[i], &buf[i], i);
            }
            var h = Handle;
            var error = NativeMethods.petrel_func_call_raw(store.Ptr, &h, buf, (UIntPtr)n);
            GC.KeepAlive(store);
            if (error != IntPtr.Zero)
            {
                Interop.Throw(error);
            }
            if (nr == 0)
            {
                return null;
            }
            if (nr == 1)
            {
                return Values.FromRaw(store, t.Results[0], &buf[0]);
            }
            var r = new object[nr];
            for (var i = 0; i < nr; i++)
            {
                r[i] = Values.FromRaw(store, t.Results[i], &buf[i]);
            }
            return r;
        }

        /// <summary>
        /// Calls the function through the C API's typed, checked path
        /// (<c>petrel_func_call</c>): every argument's kind and store is checked by
        /// the runtime. Slower than <see cref="Invoke"/>; for diagnostics and tests.
        /// </summary>
        public unsafe object InvokeChecked(params object[] arguments)
        {
            arguments = arguments ?? new object[] { null };
            var t = Type;
            var nr = t.Results.Count;
            var args = new petrel_val_t[arguments.Length];
            for (var i = 0; i < args.Length; i++)
            {
                var kind = i < t.Parameters.Count ? t.Parameters[i] : ValKind.I32;
                args[i] = Values.ToVal(Store, kind, arguments[i], i);
            }
            var results = new petrel_val_t[nr];
            IntPtr error;
            fixed (petrel_val_t* a = args)
            fixed (petrel_val_t* r = results)
            {
                error = NativeMethods.petrel_func_call(Store.Ptr, Handle, a, (UIntPtr)args.Length, r, (UIntPtr)nr);
            }
            GC.KeepAlive(Store);
            Interop.Check(error);
            if (nr == 0)
            {
                return null;
            }
            if (nr == 1)
            {
                return Values.FromVal(Store, results[0]);
            }
            var o = new object[nr];
            for (var i = 0; i < nr; i++)
            {
                o[i] = Values.FromVal(Store, results[i]);
            }
            return o;
        }

        internal void CheckSignature(ValKind[] parameters, ValKind[] results)
        {
            var t = Type;
            var ok = t.Parameters.Count == parameters.Length && t.Results.Count == results.Length;
            for (var i = 0; ok && i < parameters.Length; i++)
            {
                ok = t.Parameters[i] == parameters[i];
            }
            for (var i = 0; ok && i < results.Length; i++)
            {
                ok = t.Results[i] == results[i];
            }
            if (!ok)
            {
                throw new PetrelException("the function's type is " + t + ", not " + new FunctionType(parameters, results));
            }
        }

        internal static petrel_extern_t ToExtern(petrel_func_t h) =>
            new petrel_extern_t { kind = ExternKind.Func, store_id = h.store_id, index = h.index };
    }

    /// <summary>
    /// What a host function sees of its caller: the store, its data, and the
    /// calling instance's exports. Valid only during the call it was passed to.
    /// </summary>
    public sealed unsafe class Caller
    {
        private IntPtr ptr;

        internal Caller(IntPtr ptr, Store store)
        {
            this.ptr = ptr;
            Store = store;
        }

        /// <summary>The store the host function runs in.</summary>
        public Store Store { get; }

        internal void Invalidate() => ptr = IntPtr.Zero;

        private IntPtr Ptr
        {
            get
            {
                if (ptr == IntPtr.Zero)
                {
                    throw new InvalidOperationException("a Caller is only valid during the host function call it was passed to");
                }
                return ptr;
            }
        }

        /// <summary>The store's data object (see <see cref="Petrel.Store.GetData"/>).</summary>
        public object GetData()
        {
            IntPtr d;
            Interop.Check(NativeMethods.petrel_caller_data(Ptr, out d));
            var s = Store.FromData(d);
            return s == null ? null : s.GetData();
        }

        /// <summary>Replaces the store's data object.</summary>
        public void SetData(object value) => Store.SetData(value);

        private petrel_extern_t? Get(string name)
        {
            var n = Interop.Utf8(name);
            petrel_extern_t item;
            bool found;
            fixed (byte* p = n)
            {
                Interop.Check(NativeMethods.petrel_caller_export_get(Ptr, p, (UIntPtr)n.Length, out item, out found));
            }
            return found ? item : (petrel_extern_t?)null;
        }

        /// <summary>The calling instance's exported function <paramref name="name"/>, or null.</summary>
        public Function GetFunction(string name)
        {
            var e = Get(name);
            return e.HasValue && e.Value.kind == ExternKind.Func ? (Function)Instance.Wrap(Store, e.Value) : null;
        }

        /// <summary>The calling instance's exported memory <paramref name="name"/>, or null.</summary>
        public Memory GetMemory(string name)
        {
            var e = Get(name);
            return e.HasValue && e.Value.kind == ExternKind.Memory ? (Memory)Instance.Wrap(Store, e.Value) : null;
        }

        /// <summary>The calling instance's exported table <paramref name="name"/>, or null.</summary>
        public Table GetTable(string name)
        {
            var e = Get(name);
            return e.HasValue && e.Value.kind == ExternKind.Table ? (Table)Instance.Wrap(Store, e.Value) : null;
        }

        /// <summary>The calling instance's exported global <paramref name="name"/>, or null.</summary>
        public Global GetGlobal(string name)
        {
            var e = Get(name);
            return e.HasValue && e.Value.kind == ExternKind.Global ? (Global)Instance.Wrap(Store, e.Value) : null;
        }

        /// <summary>The store's native pointer during the callback (the same store; calls reach it through the caller).</summary>
        internal IntPtr StorePointer()
        {
            IntPtr s;
            Interop.Check(NativeMethods.petrel_caller_store(Ptr, out s));
            return s;
        }
    }
}
