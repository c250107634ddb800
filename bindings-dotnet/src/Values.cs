using System;
using System.Runtime.InteropServices;
using Petrel.Native;

namespace Petrel
{
    /// <summary>A 128-bit SIMD value (two little-endian 64-bit halves).</summary>
    public struct V128 : IEquatable<V128>
    {
        /// <summary>The low 64 bits (bytes 0..7).</summary>
        public ulong Low;

        /// <summary>The high 64 bits (bytes 8..15).</summary>
        public ulong High;

        /// <summary>A value from its two halves.</summary>
        public V128(ulong low, ulong high)
        {
            Low = low;
            High = high;
        }

        /// <inheritdoc/>
        public bool Equals(V128 other) => Low == other.Low && High == other.High;

        /// <inheritdoc/>
        public override bool Equals(object obj) => obj is V128 && Equals((V128)obj);

        /// <inheritdoc/>
        public override int GetHashCode() => Low.GetHashCode() ^ (High.GetHashCode() * 31);

        /// <inheritdoc/>
        public override string ToString() => "0x" + High.ToString("x16") + Low.ToString("x16");
    }

    /// <summary>
    /// Conversions between .NET values and the C API's values. An i32 takes an
    /// int or uint, an i64 a long, ulong, int or uint, an f32 a float, an f64 a
    /// double or float, a v128 a <see cref="V128"/>, a funcref a <see cref="Function"/>
    /// of the same store or null, an externref any object except a Function (kept
    /// alive by a GCHandle that the store frees) or null.
    /// </summary>
    internal static unsafe class Values
    {
        internal static string Name(ValKind k)
        {
            switch (k)
            {
                case ValKind.I32: return "i32";
                case ValKind.I64: return "i64";
                case ValKind.F32: return "f32";
                case ValKind.F64: return "f64";
                case ValKind.V128: return "v128";
                case ValKind.Funcref: return "funcref";
                case ValKind.Externref: return "externref";
                default: return k.ToString();
            }
        }

        internal static Exception Mismatch(int index, object value, ValKind kind, string what = "argument") =>
            new ArgumentException(
                what + " " + index + " is " + (value == null ? "null" : value.GetType().Name) +
                ", expected a " + Name(kind) + " value");

        /// <summary>Writes <paramref name="value"/> as a <paramref name="kind"/> into <paramref name="raw"/> (all 16 bytes).</summary>
        internal static void ToRaw(Store store, ValKind kind, object value, petrel_valraw_t* raw, int index, string what = "argument")
        {
            *raw = default(petrel_valraw_t);
            switch (kind)
            {
                case ValKind.I32:
                    if (value is int) { var i = (int)value; raw->i32 = i; return; }
                    if (value is uint) { var u = (uint)value; raw->i32 = unchecked((int)u); return; }
                    break;
                case ValKind.I64:
                    if (value is long) { var l = (long)value; raw->i64 = l; return; }
                    if (value is ulong) { var ul = (ulong)value; raw->i64 = unchecked((long)ul); return; }
                    if (value is int) { var i2 = (int)value; raw->i64 = i2; return; }
                    if (value is uint) { var u2 = (uint)value; raw->i64 = u2; return; }
                    break;
                case ValKind.F32:
                    if (value is float) { var f = (float)value; raw->f32 = f; return; }
                    break;
                case ValKind.F64:
                    if (value is double) { var d = (double)value; raw->f64 = d; return; }
                    if (value is float) { var f2 = (float)value; raw->f64 = f2; return; }
                    break;
                case ValKind.V128:
                    if (value is V128) { var v = (V128)value; ((ulong*)raw)[0] = v.Low; ((ulong*)raw)[1] = v.High; return; }
                    break;
                case ValKind.Funcref:
                    if (value == null) { return; }
                    if (value is Function) { var fn = (Function)value; raw->funcref = fn.RefIndex(store) + 1; return; }
                    break;
                case ValKind.Externref:
                    if (value == null) { return; }
                    // A Function is a funcref; wrapping it as a host object would
                    // hide a type error.
                    if (value is Function) { break; }
                    raw->externref = (ulong)store.NewExternRef(value).index + 1;
                    return;
            }
            throw Mismatch(index, value, kind, what);
        }

        /// <summary>Reads a <paramref name="kind"/> from <paramref name="raw"/> as a boxed .NET value.</summary>
        internal static object FromRaw(Store store, ValKind kind, petrel_valraw_t* raw)
        {
            switch (kind)
            {
                case ValKind.I32: return raw->i32;
                case ValKind.I64: return raw->i64;
                case ValKind.F32: return raw->f32;
                case ValKind.F64: return raw->f64;
                case ValKind.V128: return new V128(((ulong*)raw)[0], ((ulong*)raw)[1]);
                case ValKind.Funcref:
                    return raw->funcref == 0 ? null : new Function(store, new petrel_func_t { store_id = store.Id, index = (UIntPtr)(raw->funcref - 1) });
                case ValKind.Externref:
                    return raw->externref == 0 ? null : store.ExternRefValue(new petrel_externref_t { store_id = store.Id, index = (UIntPtr)(raw->externref - 1) });
                default:
                    throw new PetrelException("unknown value kind " + kind);
            }
        }

        /// <summary>A typed <c>petrel_val_t</c> from a .NET value.</summary>
        internal static petrel_val_t ToVal(Store store, ValKind kind, object value, int index)
        {
            var v = default(petrel_val_t);
            v.kind = kind;
            switch (kind)
            {
                case ValKind.Funcref:
                    if (value == null) { return v; }
                    var fn = value as Function;
                    if (fn != null)
                    {
                        v.of.funcref = fn.Handle;
                        return v;
                    }
                    throw Mismatch(index, value, kind);
                case ValKind.Externref:
                    if (value == null) { return v; }
                    if (value is Function) { throw Mismatch(index, value, kind); }
                    v.of.externref = store.NewExternRef(value);
                    return v;
                default:
                    petrel_valraw_t raw;
                    ToRaw(store, kind, value, &raw, index);
                    *(petrel_valraw_t*)&v.of = raw;
                    return v;
            }
        }

        /// <summary>A .NET value from a typed <c>petrel_val_t</c>.</summary>
        internal static object FromVal(Store store, petrel_val_t v)
        {
            switch (v.kind)
            {
                case ValKind.Funcref:
                    return v.of.funcref.store_id == 0 ? null : new Function(store, v.of.funcref);
                case ValKind.Externref:
                    return v.of.externref.store_id == 0 ? null : store.ExternRefValue(v.of.externref);
                default:
                    return FromRaw(store, v.kind, (petrel_valraw_t*)&v.of);
            }
        }
    }

    /// <summary>Per-type conversions for the typed call paths (no boxing).</summary>
    internal static unsafe class Conv<T>
    {
        internal delegate void Writer(Store store, petrel_valraw_t* raw, T value);

        internal delegate T Reader(Store store, petrel_valraw_t* raw);

        internal static readonly ValKind Kind;
        internal static readonly Writer Write;
        internal static readonly Reader Read;

        static Conv()
        {
            var t = typeof(T);
            if (t == typeof(int))
            {
                Kind = ValKind.I32;
                Write = (Writer)(Delegate)new Conv<int>.Writer((s, r, v) => { *r = default(petrel_valraw_t); r->i32 = v; });
                Read = (Reader)(Delegate)new Conv<int>.Reader((s, r) => r->i32);
            }
            else if (t == typeof(uint))
            {
                Kind = ValKind.I32;
                Write = (Writer)(Delegate)new Conv<uint>.Writer((s, r, v) => { *r = default(petrel_valraw_t); r->i32 = unchecked((int)v); });
                Read = (Reader)(Delegate)new Conv<uint>.Reader((s, r) => unchecked((uint)r->i32));
            }
            else if (t == typeof(long))
            {
                Kind = ValKind.I64;
                Write = (Writer)(Delegate)new Conv<long>.Writer((s, r, v) => { *r = default(petrel_valraw_t); r->i64 = v; });
                Read = (Reader)(Delegate)new Conv<long>.Reader((s, r) => r->i64);
            }
            else if (t == typeof(ulong))
            {
                Kind = ValKind.I64;
                Write = (Writer)(Delegate)new Conv<ulong>.Writer((s, r, v) => { *r = default(petrel_valraw_t); r->i64 = unchecked((long)v); });
                Read = (Reader)(Delegate)new Conv<ulong>.Reader((s, r) => unchecked((ulong)r->i64));
            }
            else if (t == typeof(float))
            {
                Kind = ValKind.F32;
                Write = (Writer)(Delegate)new Conv<float>.Writer((s, r, v) => { *r = default(petrel_valraw_t); r->f32 = v; });
                Read = (Reader)(Delegate)new Conv<float>.Reader((s, r) => r->f32);
            }
            else if (t == typeof(double))
            {
                Kind = ValKind.F64;
                Write = (Writer)(Delegate)new Conv<double>.Writer((s, r, v) => { *r = default(petrel_valraw_t); r->f64 = v; });
                Read = (Reader)(Delegate)new Conv<double>.Reader((s, r) => r->f64);
            }
            else if (t == typeof(V128))
            {
                Kind = ValKind.V128;
                Write = (Writer)(Delegate)new Conv<V128>.Writer((s, r, v) => { ((ulong*)r)[0] = v.Low; ((ulong*)r)[1] = v.High; });
                Read = (Reader)(Delegate)new Conv<V128>.Reader((s, r) => new V128(((ulong*)r)[0], ((ulong*)r)[1]));
            }
            else if (t == typeof(Function))
            {
                Kind = ValKind.Funcref;
                Write = (s, r, v) => Values.ToRaw(s, ValKind.Funcref, v, r, 0);
                Read = (s, r) => (T)Values.FromRaw(s, ValKind.Funcref, r);
            }
            else if (!t.IsValueType)
            {
                Kind = ValKind.Externref;
                Write = (s, r, v) => Values.ToRaw(s, ValKind.Externref, v, r, 0);
                Read = (s, r) => (T)Values.FromRaw(s, ValKind.Externref, r);
            }
            else
            {
                Supported = false;
                return;
            }
            Supported = true;
        }

        internal static readonly bool Supported;

        internal static void Require()
        {
            if (!Supported)
            {
                throw new NotSupportedException("type " + typeof(T) + " has no wasm value kind (use int, uint, long, ulong, float, double, V128, Function, or a reference type for externref)");
            }
        }
    }

    /// <summary>
    /// The results of a typed function: one value of a <see cref="Conv{T}"/> type,
    /// or a <c>ValueTuple</c> of two to four of them (a multi-value function).
    /// </summary>
    internal static unsafe class Results<T>
    {
        internal static readonly ValKind[] Kinds;
        internal static readonly Conv<T>.Reader Read;
        internal static readonly Conv<T>.Writer Write;
        private static readonly string Unsupported;

        static Results()
        {
            var t = typeof(T);
            if (t.IsGenericType && t.FullName.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
            {
                var args = t.GetGenericArguments();
                if (args.Length < 2 || args.Length > 4)
                {
                    Unsupported = "a tuple of " + args.Length + " results (2 to 4 are supported)";
                    return;
                }
                Kinds = new ValKind[args.Length];
                for (var i = 0; i < args.Length; i++)
                {
                    var conv = typeof(Conv<>).MakeGenericType(args[i]);
                    var flags = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static;
                    if (!(bool)conv.GetField("Supported", flags).GetValue(null))
                    {
                        Unsupported = "type " + args[i] + " in a tuple of results";
                        return;
                    }
                    Kinds[i] = (ValKind)conv.GetField("Kind", flags).GetValue(null);
                }
                var bf = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static;
                Read = (Conv<T>.Reader)Delegate.CreateDelegate(typeof(Conv<T>.Reader), typeof(Tuples).GetMethod("Read" + args.Length, bf).MakeGenericMethod(args));
                Write = (Conv<T>.Writer)Delegate.CreateDelegate(typeof(Conv<T>.Writer), typeof(Tuples).GetMethod("Write" + args.Length, bf).MakeGenericMethod(args));
                return;
            }
            if (!Conv<T>.Supported)
            {
                Unsupported = "type " + t;
                return;
            }
            Kinds = new[] { Conv<T>.Kind };
            Read = Conv<T>.Read;
            Write = Conv<T>.Write;
        }

        internal static void Require()
        {
            if (Unsupported != null)
            {
                throw new NotSupportedException(Unsupported + " has no wasm value kind (use int, uint, long, ulong, float, double, V128, Function, a reference type for externref, or a ValueTuple of them)");
            }
        }
    }

    /// <summary>Reading and writing multi-value results as value tuples.</summary>
    internal static unsafe class Tuples
    {
        private static ValueTuple<A, B> Read2<A, B>(Store s, petrel_valraw_t* r) =>
            new ValueTuple<A, B>(Conv<A>.Read(s, r), Conv<B>.Read(s, r + 1));

        private static ValueTuple<A, B, C> Read3<A, B, C>(Store s, petrel_valraw_t* r) =>
            new ValueTuple<A, B, C>(Conv<A>.Read(s, r), Conv<B>.Read(s, r + 1), Conv<C>.Read(s, r + 2));

        private static ValueTuple<A, B, C, D> Read4<A, B, C, D>(Store s, petrel_valraw_t* r) =>
            new ValueTuple<A, B, C, D>(Conv<A>.Read(s, r), Conv<B>.Read(s, r + 1), Conv<C>.Read(s, r + 2), Conv<D>.Read(s, r + 3));

        private static void Write2<A, B>(Store s, petrel_valraw_t* r, ValueTuple<A, B> v)
        {
            Conv<A>.Write(s, r, v.Item1);
            Conv<B>.Write(s, r + 1, v.Item2);
        }

        private static void Write3<A, B, C>(Store s, petrel_valraw_t* r, ValueTuple<A, B, C> v)
        {
            Conv<A>.Write(s, r, v.Item1);
            Conv<B>.Write(s, r + 1, v.Item2);
            Conv<C>.Write(s, r + 2, v.Item3);
        }

        private static void Write4<A, B, C, D>(Store s, petrel_valraw_t* r, ValueTuple<A, B, C, D> v)
        {
            Conv<A>.Write(s, r, v.Item1);
            Conv<B>.Write(s, r + 1, v.Item2);
            Conv<C>.Write(s, r + 2, v.Item3);
            Conv<D>.Write(s, r + 3, v.Item4);
        }
    }
}
