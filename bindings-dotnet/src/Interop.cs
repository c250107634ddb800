using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Petrel.Native;

namespace Petrel
{
    /// <summary>
    /// A table of objects addressed by a small integer, the <c>env</c> or tag
    /// that native code holds instead of a managed pointer. Reads take no lock
    /// (the array is replaced, never resized in place); writes are locked.
    /// </summary>
    internal sealed class Slab<T> where T : class
    {
        private readonly object gate = new object();
        private readonly Stack<int> free = new Stack<int>();
        private T[] items = new T[64];
        private int used;

        internal int Add(T value)
        {
            lock (gate)
            {
                int i;
                if (free.Count > 0)
                {
                    i = free.Pop();
                }
                else
                {
                    if (used == items.Length)
                    {
                        var bigger = new T[items.Length * 2];
                        Array.Copy(items, bigger, items.Length);
                        Volatile.Write(ref items, bigger);
                    }
                    i = used++;
                }
                Volatile.Write(ref items[i], value);
                return i;
            }
        }

        internal T Get(int index)
        {
            var a = Volatile.Read(ref items);
            return (uint)index < (uint)a.Length ? Volatile.Read(ref a[index]) : null;
        }

        internal T Take(int index)
        {
            lock (gate)
            {
                if ((uint)index >= (uint)used)
                {
                    return null;
                }
                var v = items[index];
                if (v != null)
                {
                    items[index] = null;
                    free.Push(index);
                }
                return v;
            }
        }

        internal int Count
        {
            get
            {
                lock (gate)
                {
                    return used - free.Count;
                }
            }
        }
    }

    /// <summary>
    /// A reference on an owned object's <see cref="SafeHandle"/> for the duration of
    /// a native call (<c>using (var l = engine.Use()) { ... l.Ptr ... }</c>): a
    /// Dispose racing on another thread then waits for the call to end before
    /// the object is freed, instead of leaving the call a dangling pointer.
    /// </summary>
    internal struct Lease : IDisposable
    {
        private readonly SafeHandle handle;
        private readonly bool added;

        internal Lease(SafeHandle handle, string name)
        {
            this.handle = handle;
            var ok = false;
            try
            {
                handle.DangerousAddRef(ref ok);
            }
            catch (ObjectDisposedException)
            {
                throw new ObjectDisposedException(name);
            }
            added = ok;
            Ptr = handle.DangerousGetHandle();
        }

        /// <summary>The native object, valid until the lease is disposed.</summary>
        internal IntPtr Ptr { get; }

        public void Dispose()
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Conversions and error handling shared by the idiomatic layer.</summary>
    internal static unsafe class Interop
    {
        /// <summary>Exceptions thrown by host callbacks, keyed by the tag of the <c>petrel_error_t</c> that carries them through wasm.</summary>
        internal static readonly Slab<Exception> PendingExceptions = new Slab<Exception>();

        /// <summary>Frees a <see cref="GCHandle"/> handed to native code as a data pointer (the store's data, an externref's value).</summary>
        internal static readonly petrel_finalizer_t FreeGCHandle = FreeGCHandleImpl;

        private static long handedOver;

        /// <summary>GCHandles handed to native code and not yet freed by it (a test checks it returns to its start: no leak, no double free).</summary>
        internal static long HandedOver => Interlocked.Read(ref handedOver);

        /// <summary>A GCHandle to give native code with <see cref="FreeGCHandle"/> as its finalizer.</summary>
        internal static IntPtr HandOver(object value, GCHandleType type)
        {
            var h = GCHandle.Alloc(value, type);
            Interlocked.Increment(ref handedOver);
            return GCHandle.ToIntPtr(h);
        }

        private static void FreeGCHandleImpl(IntPtr data)
        {
            try
            {
                if (data != IntPtr.Zero)
                {
                    GCHandle.FromIntPtr(data).Free();
                    Interlocked.Decrement(ref handedOver);
                }
            }
            catch
            {
                // A finalizer must not throw into native code.
            }
        }

        internal static byte[] Utf8(string s)
        {
            if (s == null)
            {
                throw new ArgumentNullException(nameof(s));
            }
            return Encoding.UTF8.GetBytes(s);
        }

        /// <summary>UTF-8 with a terminating NUL, for <c>const char *</c> parameters.</summary>
        internal static byte[] Utf8Z(string s)
        {
            if (s == null)
            {
                throw new ArgumentNullException(nameof(s));
            }
            if (s.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("the string contains a NUL character");
            }
            var n = Encoding.UTF8.GetByteCount(s);
            var b = new byte[n + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        internal static string String(petrel_str_t s)
        {
            return s.data == null ? null : Encoding.UTF8.GetString(s.data, checked((int)(ulong)s.len));
        }

        internal static string CString(byte* b)
        {
            if (b == null)
            {
                return string.Empty;
            }
            var n = 0;
            while (b[n] != 0)
            {
                n++;
            }
            return Encoding.UTF8.GetString(b, n);
        }

        internal static UIntPtr Size(long n) => (UIntPtr)(ulong)n;

        /// <summary>
        /// The first 16-byte aligned value slot of a stack buffer of 16 (n + 1)
        /// bytes. The runtime's raw values are 16-byte aligned; an aligned array
        /// is used in place, any other is copied (petrel_func_call_raw).
        /// </summary>
        internal static petrel_valraw_t* Align16(byte* p) => (petrel_valraw_t*)(((ulong)p + 15) & ~15UL);

        /// <summary>Takes a <c>petrel_bytes_t</c> filled by Petrel: copies and frees it.</summary>
        internal static byte[] TakeBytes(ref petrel_bytes_t b)
        {
            var r = new byte[checked((int)(ulong)b.len)];
            if (r.Length > 0)
            {
                Marshal.Copy((IntPtr)b.data, r, 0, r.Length);
            }
            fixed (petrel_bytes_t* p = &b)
            {
                NativeMethods.petrel_bytes_delete(p);
            }
            return r;
        }

        /// <summary>Throws the exception for <paramref name="error"/> (freeing it) unless it is NULL.</summary>
        internal static void Check(IntPtr error)
        {
            if (error != IntPtr.Zero)
            {
                Throw(error);
            }
        }

        /// <summary>
        /// Throws the exception for a non-NULL error and frees it. An error that
        /// carries a host callback's exception rethrows that exception itself
        /// (with its original stack trace, through <see cref="ExceptionDispatchInfo"/>).
        /// </summary>
        internal static void Throw(IntPtr error)
        {
            var e = ToException(error);
            ExceptionDispatchInfo.Capture(e).Throw();
        }

        /// <summary>The exception for a non-NULL error; frees the error.</summary>
        internal static Exception ToException(IntPtr error)
        {
            try
            {
                ulong tag;
                if (NativeMethods.petrel_error_host_tag(error, out tag))
                {
                    var pending = PendingExceptions.Take(checked((int)tag));
                    if (pending != null)
                    {
                        return pending;
                    }
                }
                var message = CString(NativeMethods.petrel_error_message(error));
                int status;
                if (NativeMethods.petrel_error_exit_status(error, out status))
                {
                    return new ExitException(message, status);
                }
                var trap = NativeMethods.petrel_error_as_trap(error);
                if (trap != IntPtr.Zero)
                {
                    var code = NativeMethods.petrel_trap_code(trap);
                    var count = (long)(ulong)NativeMethods.petrel_trap_frame_count(trap);
                    var frames = new List<TrapFrame>();
                    for (long i = 0; i < count; i++)
                    {
                        petrel_frame_t f;
                        if (NativeMethods.petrel_trap_frame(trap, Size(i), out f))
                        {
                            frames.Add(new TrapFrame(
                                f.func_index,
                                String(f.func_name),
                                String(f.module_name),
                                f.has_func_offset != 0 ? (long?)(long)(ulong)f.func_offset : null));
                        }
                    }
                    return new TrapException(message, code, frames);
                }
                return new PetrelException(message);
            }
            finally
            {
                NativeMethods.petrel_error_delete(error);
            }
        }

        /// <summary>The error a host callback returns for an exception: it carries the exception's tag so the wasm call rethrows it.</summary>
        internal static IntPtr HostError(Exception e)
        {
            var tag = PendingExceptions.Add(e);
            var msg = Utf8(e.Message ?? e.GetType().Name);
            fixed (byte* p = msg)
            {
                return NativeMethods.petrel_error_new_host(p, Size(msg.Length), (ulong)tag);
            }
        }
    }
}
