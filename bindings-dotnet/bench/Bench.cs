// Benchmarks of the .NET binding (a program, not a test). Prints medians of:
// ns per call of an exported add(i32, i32) -> i32 through the typed delegate
// and through Invoke, next to a bare P/Invoke of a trivial C function of the
// same signature (the floor of any native binding: libpetrel_bench_floor.so,
// compiled by bench/run.sh, never committed) and a bare P/Invoke of
// petrel_func_call_raw (the C API's own cost, no binding code); ns per wasm-to-C# host call;
// µs per instantiation of a small module; MB/s reading 1 MiB of memory into a
// managed array. The measurements mirror bindings-python/bench/bench.py.
//
// Usage: bindings-dotnet/bench/run.sh [--rounds N]

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using Petrel;

public static unsafe class Bench
{
    private const string Wat = @"
(module
  (import ""host"" ""h"" (func $h (param i32) (result i32)))
  (memory (export ""mem"") 17)
  (func (export ""add"") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export ""host_loop"") (param $n i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $h (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))))";

    private const string Small = "(module (memory 1) (global (mut i32) (i32.const 0)) (func (export \"f\") (result i32) i32.const 1))";

    [DllImport("petrel_bench_floor", CallingConvention = CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    private static extern int petrel_bench_add(int a, int b);

    private static double Median(int rounds, Func<double> round)
    {
        round();
        var xs = Enumerable.Range(0, rounds).Select(_ => round()).OrderBy(x => x).ToArray();
        return xs[xs.Length / 2];
    }

    private static double Ns(Stopwatch sw, long n) => sw.Elapsed.TotalMilliseconds * 1e6 / n;

    public static int Main(string[] args)
    {
        var rounds = 7;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds")
            {
                rounds = int.Parse(args[++i]);
            }
        }
        using (var engine = new Engine())
        using (var store = new Store(engine))
        using (var linker = new Linker(engine))
        using (var module = Module.FromText(engine, "bench", Wat))
        using (var small = Module.FromText(engine, "small", Small))
        {
            linker.DefineFunction("host", "h", (int x) => x);
            var inst = linker.Instantiate(store, module);
            var add = inst.GetFunction<int, int, int>("add");
            var addF = inst.GetFunction("add");
            var hostLoop = inst.GetAction<int>("host_loop");
            var mem = inst.GetMemory("mem");
            if (add(2, 3) != 5 || (int)addF.Invoke(2, 3) != 5 || petrel_bench_add(2, 3) != 5)
            {
                throw new Exception("wrong sums");
            }
            const int calls = 200000;
            var results = new List<KeyValuePair<string, double>>();
            results.Add(new KeyValuePair<string, double>("bare P/Invoke add (ns)", Median(rounds, () =>
            {
                var sw = Stopwatch.StartNew();
                var acc = 0;
                for (var k = 0; k < calls; k++)
                {
                    acc += petrel_bench_add(k, 1);
                }
                sw.Stop();
                GC.KeepAlive(acc);
                return Ns(sw, calls);
            })));
            // The C API's own cost: petrel_func_call_raw through a bare DllImport,
            // with no binding code around it (what the typed path adds is the
            // difference between this line and the next).
            var handle = addF.Handle;
            var storePtr = store.Ptr;
            results.Add(new KeyValuePair<string, double>("raw C API call (ns)", Median(rounds, () =>
            {
                var space = stackalloc byte[48];
                var raw = (Petrel.Native.petrel_valraw_t*)(((ulong)space + 15) & ~15UL);
                var h = handle;
                var sw = Stopwatch.StartNew();
                var acc = 0;
                for (var k = 0; k < calls; k++)
                {
                    raw[0] = default(Petrel.Native.petrel_valraw_t);
                    raw[1] = default(Petrel.Native.petrel_valraw_t);
                    raw[0].i32 = k;
                    raw[1].i32 = 1;
                    if (Petrel.Native.NativeMethods.petrel_func_call_raw(storePtr, &h, raw, (UIntPtr)2) != IntPtr.Zero)
                    {
                        throw new Exception("call failed");
                    }
                    acc += raw[0].i32;
                }
                sw.Stop();
                GC.KeepAlive(acc);
                return Ns(sw, calls);
            })));
            results.Add(new KeyValuePair<string, double>("typed add call (ns)", Median(rounds, () =>
            {
                var sw = Stopwatch.StartNew();
                var acc = 0;
                for (var k = 0; k < calls; k++)
                {
                    acc += add(k, 1);
                }
                sw.Stop();
                GC.KeepAlive(acc);
                return Ns(sw, calls);
            })));
            results.Add(new KeyValuePair<string, double>("Invoke add call (ns)", Median(rounds, () =>
            {
                const int n = calls / 4;
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < n; k++)
                {
                    addF.Invoke(k, 1);
                }
                sw.Stop();
                return Ns(sw, n);
            })));
            results.Add(new KeyValuePair<string, double>("host call (ns)", Median(rounds, () =>
            {
                const int n = 100000;
                var sw = Stopwatch.StartNew();
                hostLoop(n);
                sw.Stop();
                return Ns(sw, n);
            })));
            results.Add(new KeyValuePair<string, double>("instantiate (us)", Median(rounds, () =>
            {
                const int n = 200;
                using (var s = new Store(engine))
                {
                    var sw = Stopwatch.StartNew();
                    for (var k = 0; k < n; k++)
                    {
                        new Instance(s, small);
                    }
                    sw.Stop();
                    return Ns(sw, n) / 1000;
                }
            })));
            const int size = 1 << 20;
            var buf = new byte[size];
            results.Add(new KeyValuePair<string, double>("1 MiB read (MB/s)", Median(rounds, () =>
            {
                const int n = 50;
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < n; k++)
                {
                    mem.Read(0, buf, 0, size);
                }
                sw.Stop();
                return (double)n * size / sw.Elapsed.TotalSeconds / 1e6;
            })));
            results.Add(new KeyValuePair<string, double>("1 MiB ReadBytes (MB/s)", Median(rounds, () =>
            {
                const int n = 50;
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < n; k++)
                {
                    GC.KeepAlive(mem.ReadBytes(0, size));
                }
                sw.Stop();
                return (double)n * size / sw.Elapsed.TotalSeconds / 1e6;
            })));
            Console.WriteLine("median of " + rounds + " rounds (" + Environment.Version + ", " + Type.GetType("Mono.Runtime")?.GetMethod("GetDisplayName", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)?.Invoke(null, null) + ")");
            foreach (var r in results)
            {
                Console.WriteLine(string.Format("{0,-26}{1,12:F1}", r.Key, r.Value));
            }
            var floor = results[0].Value;
            var typed = results[2].Value;
            Console.WriteLine(string.Format("typed add / bare P/Invoke: {0:F1}x", typed / floor));
        }
        return 0;
    }
}
