using System;
using System.Runtime.InteropServices;
using System.Text;
using Petrel.Native;

namespace Petrel
{
    /// <summary>
    /// A linear memory of a store. Reads and writes are bounds-checked against the
    /// current length and throw <see cref="ArgumentOutOfRangeException"/> outside it.
    /// <see cref="GetPointer"/> and <see cref="GetView"/> give direct, no-copy access.
    /// </summary>
    public sealed unsafe class Memory
    {
        /// <summary>The default size of a page in bytes (64 KiB; see <see cref="MemoryType.PageSize"/> for a memory's own).</summary>
        public const long PageSize = 65536;

        /// <summary>
        /// Creates a memory of <paramref name="minimum"/> 64 KiB pages (at most <paramref name="maximum"/>) in
        /// <paramref name="store"/>; with <paramref name="is64Bit"/> a 64-bit memory (memory64: indexed with i64).
        /// </summary>
        public Memory(Store store, ulong minimum = 0, ulong? maximum = null, bool is64Bit = false)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            var t = new petrel_memorytype_t();
            t.limits.minimum = minimum;
            t.limits.maximum = maximum ?? 0;
            t.limits.has_maximum = maximum.HasValue ? (byte)1 : (byte)0;
            t.is_64 = is64Bit ? (byte)1 : (byte)0;
            petrel_memory_t h;
            Interop.Check(NativeMethods.petrel_memory_new(store.Ptr, t, out h));
            GC.KeepAlive(store);
            Store = store;
            Handle = h;
        }

        internal Memory(Store store, petrel_memory_t handle)
        {
            Store = store;
            Handle = handle;
        }

        /// <summary>The store the memory belongs to.</summary>
        public Store Store { get; }

        internal petrel_memory_t Handle { get; }

        internal Memory Rebind(Store store) => new Memory(store, Handle);

        /// <summary>Whether <paramref name="obj"/> is the same memory of the same store.</summary>
        public override bool Equals(object obj)
        {
            var o = obj as Memory;
            return o != null && o.Store == Store && o.Handle.store_id == Handle.store_id && o.Handle.index == Handle.index;
        }

        /// <inheritdoc/>
        public override int GetHashCode() => Handle.store_id.GetHashCode() * 31 + Handle.index.GetHashCode();

        /// <summary>The memory's type (its current size as the minimum).</summary>
        public MemoryType Type
        {
            get
            {
                petrel_memorytype_t t;
                Interop.Check(NativeMethods.petrel_memory_type(Store.Ptr, Handle, out t));
                GC.KeepAlive(Store);
                return MemoryType.FromNative(t);
            }
        }

        /// <summary>Whether the memory is indexed with i64 (memory64).</summary>
        public bool Is64Bit => Type.Is64Bit;

        /// <summary>The minimum size in pages from the memory's type.</summary>
        public ulong Minimum => Type.Minimum;

        /// <summary>The maximum size in pages, if any.</summary>
        public ulong? Maximum => Type.Maximum;

        /// <summary>The size in pages.</summary>
        public ulong GetSize()
        {
            ulong pages;
            Interop.Check(NativeMethods.petrel_memory_size(Store.Ptr, Handle, out pages));
            GC.KeepAlive(Store);
            return pages;
        }

        /// <summary>The size in bytes.</summary>
        public long GetLength()
        {
            long len;
            Data(out len);
            return len;
        }

        /// <summary>Grows the memory by <paramref name="delta"/> pages; returns the old size in pages.</summary>
        /// <exception cref="PetrelException">Beyond the maximum, refused by the store's limits, or out of memory.</exception>
        public ulong Grow(ulong delta)
        {
            ulong old;
            Interop.Check(NativeMethods.petrel_memory_grow(Store.Ptr, Handle, delta, out old));
            GC.KeepAlive(Store);
            return old;
        }

        private byte* Data(out long length)
        {
            byte* p;
            UIntPtr len;
            Interop.Check(NativeMethods.petrel_memory_data(Store.Ptr, Handle, out p, out len));
            GC.KeepAlive(Store);
            length = (long)(ulong)len;
            return p;
        }

        private byte* At(long address, long size)
        {
            long length;
            var p = Data(out length);
            if (address < 0 || size < 0 || address > length - size)
            {
                throw new ArgumentOutOfRangeException(nameof(address), "out of bounds memory access: " + size + " bytes at " + address + " in a memory of " + length + " bytes");
            }
            return p + address;
        }

        /// <summary>
        /// The address of the memory's first byte, for no-copy access. Valid until
        /// the memory grows (a memory with the default guard region never moves, but
        /// its length changes; a 64-bit memory without a maximum of at most 4 GiB may
        /// move) or the store is disposed; fetch it again after any call that may grow
        /// memory.
        /// </summary>
        public IntPtr GetPointer()
        {
            long length;
            return (IntPtr)Data(out length);
        }

        /// <summary>A bounds-checked, no-copy view of the memory's current bytes (same validity as <see cref="GetPointer"/>).</summary>
        public MemoryView GetView()
        {
            long length;
            var p = Data(out length);
            return new MemoryView(p, length);
        }

        /// <summary>Copies <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
        public byte[] ReadBytes(long address, int length)
        {
            var p = At(address, length);
            var r = new byte[length];
            if (length > 0)
            {
                Marshal.Copy((IntPtr)p, r, 0, length);
            }
            return r;
        }

        /// <summary>Copies <paramref name="count"/> bytes at <paramref name="address"/> into <paramref name="destination"/>.</summary>
        public void Read(long address, byte[] destination, int offset, int count)
        {
            if (destination == null)
            {
                throw new ArgumentNullException(nameof(destination));
            }
            if (offset < 0 || count < 0 || offset > destination.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }
            var p = At(address, count);
            if (count > 0)
            {
                Marshal.Copy((IntPtr)p, destination, offset, count);
            }
        }

        /// <summary>Copies <paramref name="bytes"/> to <paramref name="address"/>.</summary>
        public void WriteBytes(long address, byte[] bytes)
        {
            if (bytes == null)
            {
                throw new ArgumentNullException(nameof(bytes));
            }
            var p = At(address, bytes.Length);
            if (bytes.Length > 0)
            {
                Marshal.Copy(bytes, 0, (IntPtr)p, bytes.Length);
            }
        }

        /// <summary>Reads a byte.</summary>
        public byte ReadByte(long address) => *At(address, 1);

        /// <summary>Writes a byte.</summary>
        public void WriteByte(long address, byte value) => *At(address, 1) = value;

        /// <summary>Reads a little-endian 16-bit integer.</summary>
        public short ReadInt16(long address) => *(short*)At(address, 2);

        /// <summary>Writes a little-endian 16-bit integer.</summary>
        public void WriteInt16(long address, short value) => *(short*)At(address, 2) = value;

        /// <summary>Reads a little-endian 32-bit integer.</summary>
        public int ReadInt32(long address) => *(int*)At(address, 4);

        /// <summary>Writes a little-endian 32-bit integer.</summary>
        public void WriteInt32(long address, int value) => *(int*)At(address, 4) = value;

        /// <summary>Reads a little-endian 64-bit integer.</summary>
        public long ReadInt64(long address) => *(long*)At(address, 8);

        /// <summary>Writes a little-endian 64-bit integer.</summary>
        public void WriteInt64(long address, long value) => *(long*)At(address, 8) = value;

        /// <summary>Reads a 32-bit float.</summary>
        public float ReadSingle(long address) => *(float*)At(address, 4);

        /// <summary>Writes a 32-bit float.</summary>
        public void WriteSingle(long address, float value) => *(float*)At(address, 4) = value;

        /// <summary>Reads a 64-bit float.</summary>
        public double ReadDouble(long address) => *(double*)At(address, 8);

        /// <summary>Writes a 64-bit float.</summary>
        public void WriteDouble(long address, double value) => *(double*)At(address, 8) = value;

        /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/> as UTF-8 text.</summary>
        public string ReadString(long address, int length) => Encoding.UTF8.GetString(At(address, length), length);

        /// <summary>Reads UTF-8 text from <paramref name="address"/> up to the first NUL byte (or the end of memory).</summary>
        public string ReadNullTerminatedString(long address)
        {
            long length;
            var p = Data(out length);
            if (address < 0 || address > length)
            {
                throw new ArgumentOutOfRangeException(nameof(address));
            }
            var n = 0L;
            while (address + n < length && p[address + n] != 0)
            {
                n++;
            }
            return Encoding.UTF8.GetString(p + address, checked((int)n));
        }

        /// <summary>Writes <paramref name="value"/> as UTF-8 (no NUL) at <paramref name="address"/>; returns the number of bytes written.</summary>
        public int WriteString(long address, string value)
        {
            var b = Interop.Utf8(value);
            WriteBytes(address, b);
            return b.Length;
        }
    }

    /// <summary>
    /// A no-copy view of a memory's bytes: a pointer and a length, with a
    /// bounds-checked indexer. Invalid after the memory grows or its store is
    /// disposed (see <see cref="Memory.GetPointer"/>).
    /// </summary>
    public unsafe struct MemoryView
    {
        private readonly byte* data;

        internal MemoryView(byte* data, long length)
        {
            this.data = data;
            Length = length;
        }

        /// <summary>The number of bytes in view.</summary>
        public long Length { get; }

        /// <summary>The first byte's address.</summary>
        public IntPtr Pointer => (IntPtr)data;

        /// <summary>The byte at <paramref name="index"/>.</summary>
        public byte this[long index]
        {
            get
            {
                if ((ulong)index >= (ulong)Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(index));
                }
                return data[index];
            }
            set
            {
                if ((ulong)index >= (ulong)Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(index));
                }
                data[index] = value;
            }
        }

        /// <summary>Copies <paramref name="count"/> bytes from <paramref name="index"/> into <paramref name="destination"/> at <paramref name="offset"/>.</summary>
        public void CopyTo(long index, byte[] destination, int offset, int count)
        {
            if (index < 0 || count < 0 || index > Length - count || offset < 0 || offset > destination.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }
            Marshal.Copy((IntPtr)(data + index), destination, offset, count);
        }
    }
}
