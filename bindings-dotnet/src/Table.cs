using System;
using Petrel.Native;

namespace Petrel
{
    /// <summary>A table of references (<see cref="Function"/>s or host objects) of a store.</summary>
    public sealed unsafe class Table
    {
        /// <summary>Creates a table of <paramref name="kind"/> with <paramref name="initial"/> elements set to <paramref name="initialValue"/>.</summary>
        public Table(Store store, ValKind kind, object initialValue, uint initial, uint? maximum = null)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            var t = new petrel_tabletype_t { element = kind };
            t.limits.minimum = initial;
            t.limits.maximum = maximum ?? 0;
            t.limits.has_maximum = maximum.HasValue ? (byte)1 : (byte)0;
            var init = Values.ToVal(store, kind, initialValue, 0);
            petrel_table_t h;
            Interop.Check(NativeMethods.petrel_table_new(store.Ptr, t, &init, out h));
            GC.KeepAlive(store);
            Store = store;
            Handle = h;
        }

        internal Table(Store store, petrel_table_t handle)
        {
            Store = store;
            Handle = handle;
        }

        /// <summary>The store the table belongs to.</summary>
        public Store Store { get; }

        internal petrel_table_t Handle { get; }

        internal Table Rebind(Store store) => new Table(store, Handle);

        /// <summary>Whether <paramref name="obj"/> is the same table of the same store.</summary>
        public override bool Equals(object obj)
        {
            var o = obj as Table;
            return o != null && o.Store == Store && o.Handle.store_id == Handle.store_id && o.Handle.index == Handle.index;
        }

        /// <inheritdoc/>
        public override int GetHashCode() => Handle.store_id.GetHashCode() * 31 + Handle.index.GetHashCode();

        /// <summary>The table's type (its current size as the minimum).</summary>
        public TableType Type
        {
            get
            {
                petrel_tabletype_t t;
                Interop.Check(NativeMethods.petrel_table_type(Store.Ptr, Handle, out t));
                GC.KeepAlive(Store);
                return TableType.FromNative(t);
            }
        }

        /// <summary>The element kind.</summary>
        public ValKind Kind => Type.Element;

        /// <summary>The size in elements.</summary>
        public uint GetSize()
        {
            uint n;
            Interop.Check(NativeMethods.petrel_table_size(Store.Ptr, Handle, out n));
            GC.KeepAlive(Store);
            return n;
        }

        /// <summary>Element <paramref name="index"/>: a <see cref="Function"/>, a host object, or null.</summary>
        /// <exception cref="TrapException">Out of bounds (<see cref="TrapCode.TableOutOfBounds"/>).</exception>
        public object GetElement(uint index)
        {
            petrel_val_t v;
            Interop.Check(NativeMethods.petrel_table_get(Store.Ptr, Handle, index, out v));
            GC.KeepAlive(Store);
            return Values.FromVal(Store, v);
        }

        /// <summary>Sets element <paramref name="index"/>.</summary>
        public void SetElement(uint index, object value)
        {
            var v = Values.ToVal(Store, Kind, value, 0);
            Interop.Check(NativeMethods.petrel_table_set(Store.Ptr, Handle, index, &v));
            GC.KeepAlive(Store);
        }

        /// <summary>Grows the table by <paramref name="delta"/> elements set to <paramref name="initialValue"/>; returns the old size.</summary>
        public uint Grow(uint delta, object initialValue)
        {
            var v = Values.ToVal(Store, Kind, initialValue, 0);
            uint old;
            Interop.Check(NativeMethods.petrel_table_grow(Store.Ptr, Handle, delta, &v, out old));
            GC.KeepAlive(Store);
            return old;
        }
    }

    /// <summary>A global of a store.</summary>
    public sealed unsafe class Global
    {
        /// <summary>Creates a global of <paramref name="kind"/> holding <paramref name="initialValue"/>.</summary>
        public Global(Store store, ValKind kind, object initialValue, Mutability mutability)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            var t = new petrel_globaltype_t { content = kind, mutability = mutability };
            var v = Values.ToVal(store, kind, initialValue, 0);
            petrel_global_t h;
            Interop.Check(NativeMethods.petrel_global_new(store.Ptr, t, &v, out h));
            GC.KeepAlive(store);
            Store = store;
            Handle = h;
        }

        internal Global(Store store, petrel_global_t handle)
        {
            Store = store;
            Handle = handle;
        }

        /// <summary>The store the global belongs to.</summary>
        public Store Store { get; }

        internal petrel_global_t Handle { get; }

        internal Global Rebind(Store store) => new Global(store, Handle);

        /// <summary>Whether <paramref name="obj"/> is the same global of the same store.</summary>
        public override bool Equals(object obj)
        {
            var o = obj as Global;
            return o != null && o.Store == Store && o.Handle.store_id == Handle.store_id && o.Handle.index == Handle.index;
        }

        /// <inheritdoc/>
        public override int GetHashCode() => Handle.store_id.GetHashCode() * 31 + Handle.index.GetHashCode();

        /// <summary>The global's type.</summary>
        public GlobalType Type
        {
            get
            {
                petrel_globaltype_t t;
                Interop.Check(NativeMethods.petrel_global_type(Store.Ptr, Handle, out t));
                GC.KeepAlive(Store);
                return new GlobalType(t.content, t.mutability);
            }
        }

        /// <summary>The kind of value held.</summary>
        public ValKind Kind => Type.Content;

        /// <summary>Whether it can be written.</summary>
        public Mutability Mutability => Type.Mutability;

        /// <summary>The value (boxed as for <see cref="Function.Invoke"/>).</summary>
        public object GetValue()
        {
            petrel_val_t v;
            Interop.Check(NativeMethods.petrel_global_get(Store.Ptr, Handle, out v));
            GC.KeepAlive(Store);
            return Values.FromVal(Store, v);
        }

        /// <summary>Sets the value.</summary>
        /// <exception cref="PetrelException">An immutable global, or a value of another store.</exception>
        /// <exception cref="ArgumentException">A value of the wrong type.</exception>
        public void SetValue(object value)
        {
            var v = Values.ToVal(Store, Kind, value, 0);
            Interop.Check(NativeMethods.petrel_global_set(Store.Ptr, Handle, &v));
            GC.KeepAlive(Store);
        }

        /// <summary>A typed accessor of this global; throws <see cref="PetrelException"/> when <typeparamref name="T"/> is not its value type.</summary>
        public Accessor<T> Wrap<T>()
        {
            Conv<T>.Require();
            var kind = Kind;
            if (Conv<T>.Kind != kind)
            {
                throw new PetrelException("the global holds " + Values.Name(kind) + ", not " + Values.Name(Conv<T>.Kind));
            }
            return new Accessor<T>(this);
        }

        /// <summary>Reads and writes a global as a <typeparamref name="T"/> without boxing.</summary>
        public sealed class Accessor<T>
        {
            private readonly Global global;

            internal Accessor(Global global)
            {
                this.global = global;
            }

            /// <summary>The value.</summary>
            public T GetValue()
            {
                petrel_val_t v;
                Interop.Check(NativeMethods.petrel_global_get(global.Store.Ptr, global.Handle, out v));
                GC.KeepAlive(global.Store);
                if (v.kind == ValKind.Funcref || v.kind == ValKind.Externref)
                {
                    return (T)Values.FromVal(global.Store, v);
                }
                return Conv<T>.Read(global.Store, (petrel_valraw_t*)&v.of);
            }

            /// <summary>Sets the value (a mutable global only).</summary>
            public void SetValue(T value)
            {
                var v = Values.ToVal(global.Store, Conv<T>.Kind, value, 0);
                Interop.Check(NativeMethods.petrel_global_set(global.Store.Ptr, global.Handle, &v));
                GC.KeepAlive(global.Store);
            }
        }
    }
}
