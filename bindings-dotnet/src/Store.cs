using System;
using System.Runtime.InteropServices;
using System.Text;
using Petrel.Native;

namespace Petrel
{
    /// <summary>
    /// Owns every instance, function, memory, table and global created in it,
    /// plus an embedder data object. Used by one thread at a time (another
    /// thread gets a <see cref="PetrelException"/> while it is in use).
    /// Disposing it frees everything in it; later uses of its items throw
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public sealed class Store : IDisposable
    {
        private readonly SafeStoreHandle handle;
        private object data;

        /// <summary>A store for <paramref name="engine"/>, holding <paramref name="data"/> (see <see cref="GetData"/>).</summary>
        public Store(Engine engine, object data = null)
        {
            if (engine == null)
            {
                throw new ArgumentNullException(nameof(engine));
            }
            this.data = data;
            Engine = engine;
            // The native store's data pointer is a weak handle to this object, so
            // host callbacks find their Store; the store's finalizer frees it.
            // petrel_store_new owns it from the call on: on failure it has
            // already called the finalizer, so the handle must not be freed here.
            IntPtr p;
            IntPtr error;
            using (var e = engine.Use())
            {
                var self = Interop.HandOver(this, GCHandleType.Weak);
                error = NativeMethods.petrel_store_new(e.Ptr, self, Interop.FreeGCHandle, out p);
            }
            Interop.Check(error);
            handle = new SafeStoreHandle(p);
            ulong id;
            Interop.Check(NativeMethods.petrel_store_id(p, out id));
            Id = id;
        }

        /// <summary>The engine the store was created with.</summary>
        public Engine Engine { get; }

        /// <summary>The store's id: the <c>store_id</c> of every item it owns.</summary>
        internal ulong Id { get; }

        private volatile bool closed;

        internal bool IsDisposed => closed;

        /// <summary>The native store; throws <see cref="ObjectDisposedException"/> once disposed.</summary>
        internal IntPtr Ptr
        {
            get
            {
                if (closed)
                {
                    throw new ObjectDisposedException(nameof(Store), "the store is closed");
                }
                return handle.DangerousGetHandle();
            }
        }

        internal static Store FromData(IntPtr data) =>
            data == IntPtr.Zero ? null : GCHandle.FromIntPtr(data).Target as Store;

        /// <summary>The data object given to the constructor or to <see cref="SetData"/>.</summary>
        public object GetData() => data;

        /// <summary>Replaces the data object.</summary>
        public void SetData(object value) => data = value;

        /// <summary>
        /// The fuel left (needs <see cref="Config.WithFuelConsumption"/>); setting it
        /// replaces the amount. Wasm that runs out traps with <see cref="TrapCode.OutOfFuel"/>.
        /// </summary>
        public ulong Fuel
        {
            get
            {
                ulong f;
                Interop.Check(NativeMethods.petrel_store_get_fuel(Ptr, out f));
                GC.KeepAlive(this);
                return f;
            }
            set
            {
                Interop.Check(NativeMethods.petrel_store_set_fuel(Ptr, value));
                GC.KeepAlive(this);
            }
        }

        /// <summary>Sets the epoch deadline <paramref name="ticks"/> beyond the engine's current epoch (needs <see cref="Config.WithEpochInterruption"/>).</summary>
        public void SetEpochDeadline(ulong ticks)
        {
            Interop.Check(NativeMethods.petrel_store_set_epoch_deadline(Ptr, ticks));
            GC.KeepAlive(this);
        }

        /// <summary>
        /// Caps the store's resources: bytes of any one memory, elements of any one
        /// table, number of instances; null (or negative) means no limit. Growth
        /// beyond a cap fails (<c>memory.grow</c> returns -1, <see cref="Memory.Grow"/>
        /// throws); creating an instance beyond it throws.
        /// </summary>
        public void SetLimits(long? memorySize = null, long? tableElements = null, long? instances = null)
        {
            Interop.Check(NativeMethods.petrel_store_limiter(Ptr, memorySize ?? -1, tableElements ?? -1, instances ?? -1));
            GC.KeepAlive(this);
        }

        /// <summary>Makes <paramref name="config"/> the store's WASI configuration (used by <see cref="Linker.DefineWasi"/>'s functions).</summary>
        public void SetWasiConfiguration(WasiConfiguration config)
        {
            if (config == null)
            {
                throw new ArgumentNullException(nameof(config));
            }
            var p = Ptr;
            var c = config.Build();
            // petrel_store_set_wasi takes the configuration in every case.
            Interop.Check(NativeMethods.petrel_store_set_wasi(p, c));
            GC.KeepAlive(this);
        }

        /// <summary>Everything the WASI program wrote to standard output so far (needs <see cref="WasiConfiguration.WithCapturedStandardOutput"/>).</summary>
        public byte[] GetCapturedStandardOutput()
        {
            petrel_bytes_t b;
            Interop.Check(NativeMethods.petrel_store_wasi_stdout(Ptr, out b));
            GC.KeepAlive(this);
            return Interop.TakeBytes(ref b);
        }

        /// <summary>Everything the WASI program wrote to standard error so far (needs <see cref="WasiConfiguration.WithCapturedStandardError"/>).</summary>
        public byte[] GetCapturedStandardError()
        {
            petrel_bytes_t b;
            Interop.Check(NativeMethods.petrel_store_wasi_stderr(Ptr, out b));
            GC.KeepAlive(this);
            return Interop.TakeBytes(ref b);
        }

        /// <summary>The captured standard output as UTF-8 text.</summary>
        public string GetCapturedStandardOutputText() => Encoding.UTF8.GetString(GetCapturedStandardOutput());

        /// <summary>The captured standard error as UTF-8 text.</summary>
        public string GetCapturedStandardErrorText() => Encoding.UTF8.GetString(GetCapturedStandardError());

        internal petrel_externref_t NewExternRef(object value)
        {
            var p = Ptr;
            // petrel_externref_new owns the handle from the call on, and frees it
            // (through the finalizer) itself when it fails.
            var h = Interop.HandOver(value, GCHandleType.Normal);
            petrel_externref_t r;
            var error = NativeMethods.petrel_externref_new(p, h, Interop.FreeGCHandle, out r);
            GC.KeepAlive(this);
            Interop.Check(error);
            return r;
        }

        internal object ExternRefValue(petrel_externref_t r)
        {
            IntPtr d;
            Interop.Check(NativeMethods.petrel_externref_data(Ptr, r, out d));
            GC.KeepAlive(this);
            return d == IntPtr.Zero ? null : GCHandle.FromIntPtr(d).Target;
        }

        internal void CheckOwns(ulong storeId, string what)
        {
            if (storeId != Id)
            {
                throw new PetrelException("wrong store: the " + what + " is not in this store");
            }
        }

        /// <summary>
        /// Frees everything in the store (calling its finalizers). Throws
        /// <see cref="PetrelException"/>, leaving the store intact, while the store is
        /// in use (from one of its host functions, or by another thread).
        /// </summary>
        /// <remarks>
        /// Disposing closes the native store (<c>petrel_store_close</c>): its
        /// instances, memories, host functions and data are freed now, but the small
        /// native store object itself stays until this <see cref="Store"/> is
        /// finalized, so that a call racing with <see cref="Dispose"/> on another
        /// thread gets a clean "the store is closed" error instead of a dangling
        /// pointer. Later uses throw <see cref="ObjectDisposedException"/>.
        /// </remarks>
        public void Dispose()
        {
            if (closed)
            {
                return;
            }
            Interop.Check(NativeMethods.petrel_store_close(handle.DangerousGetHandle()));
            closed = true;
            GC.KeepAlive(this);
        }
    }
}
