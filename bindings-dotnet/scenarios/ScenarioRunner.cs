// Runs the cross-language scenario suite (format: scenarios/README.md; the
// JSON files of ../scenarios, of PETREL_SCENARIOS, or of the directory given
// as an argument) against the .NET binding. Prints one line per failure and
// "scenarios: N passed, N failed"; exits non-zero on any unexpected outcome,
// including a scenario listed in scenarios_expected_failures.txt (given with
// --expected) that passes, or a missing suite.
//
// Usage: mono ScenarioRunner.exe [SCENARIO_DIR] [--expected FILE] [--filter SUBSTRING] [-v]
//
// The public API binds every item (Function, Memory, ...) to its Store, so
// "use this item with another store" cannot be written with it; steps that
// name another store for an item rebind it with the internal Rebind (the
// runner is a friend assembly), which sends the item's {store_id, index} with
// the other store to the C API exactly as a forged handle would.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Petrel;
using Petrel.Tests;

namespace Petrel.Scenarios
{
    internal sealed class Mismatch : Exception
    {
        public Mismatch(string m) : base(m) { }
    }

    internal sealed class HostError : Exception
    {
        public HostError(string m) : base(m) { }
    }

    internal sealed class NotFound : Exception
    {
        public NotFound(string m) : base(m) { }
    }

    internal sealed class Typed
    {
        public string Kind;
        public object Value;

        public Typed(string kind, object value)
        {
            Kind = kind;
            Value = value;
        }
    }

    internal static class J
    {
        public static Dictionary<string, object> O(object o) => (Dictionary<string, object>)o;

        public static List<object> L(object o) => (List<object>)o;

        public static string S(Dictionary<string, object> d, string k) => d[k] is JsonNumber ? ((JsonNumber)d[k]).Text : (string)d[k];

        public static bool Has(Dictionary<string, object> d, string k) => d.ContainsKey(k);

        public static long N(Dictionary<string, object> d, string k) => long.Parse(S(d, k), CultureInfo.InvariantCulture);
    }

    internal sealed class Scenario
    {
        private static readonly Dictionary<string, ValKind> Kinds = new Dictionary<string, ValKind>
        {
            { "i32", ValKind.I32 }, { "i64", ValKind.I64 }, { "f32", ValKind.F32 }, { "f64", ValKind.F64 },
            { "v128", ValKind.V128 }, { "funcref", ValKind.Funcref }, { "externref", ValKind.Externref },
        };

        /// <summary>Every exception a throw_host_error raised: the one that comes back must be one of these objects.</summary>
        private static readonly HashSet<Exception> Thrown = new HashSet<Exception>();

        private readonly Dictionary<string, object> sc;
        private Engine engine;
        private readonly Dictionary<string, Store> stores = new Dictionary<string, Store>();
        private readonly Dictionary<string, KeyValuePair<Instance, string>> instances = new Dictionary<string, KeyValuePair<Instance, string>>();
        private readonly Dictionary<string, Module> modules = new Dictionary<string, Module>();
        private List<Typed> log = new List<Typed>();
        private readonly List<Dictionary<string, object>> hosts = new List<Dictionary<string, object>>();
        private readonly Linker linker;

        public Scenario(Dictionary<string, object> sc)
        {
            this.sc = sc;
            var config = new Config();
            if (sc.ContainsKey("config"))
            {
                var c = J.O(sc["config"]);
                if (c.ContainsKey("consume_fuel") && (bool)c["consume_fuel"])
                {
                    config.WithFuelConsumption(true);
                }
                if (c.ContainsKey("epoch_interruption") && (bool)c["epoch_interruption"])
                {
                    config.WithEpochInterruption(true);
                }
                if (c.ContainsKey("max_wasm_stack"))
                {
                    config.WithMaximumStackSize((int)J.N(c, "max_wasm_stack"));
                }
                if (c.ContainsKey("static_memory_guard"))
                {
                    config.WithStaticMemoryGuard((bool)c["static_memory_guard"]);
                }
                if (c.ContainsKey("wasm_wide_arithmetic"))
                {
                    config.WithWideArithmetic((bool)c["wasm_wide_arithmetic"]);
                }
                if (c.ContainsKey("wasm_custom_page_sizes"))
                {
                    config.WithCustomPageSizes((bool)c["wasm_custom_page_sizes"]);
                }
            }
            engine = new Engine(config);
            config.Dispose();
            linker = new Linker(engine);
            if (sc.ContainsKey("wasi") && (bool)sc["wasi"])
            {
                linker.DefineWasi();
            }
            if (sc.ContainsKey("host"))
            {
                foreach (var h in J.L(sc["host"]))
                {
                    hosts.Add(J.O(h));
                    DefineHost(J.O(h));
                }
            }
            NewStore("main");
        }

        public void Dispose()
        {
            foreach (var s in stores.Values)
            {
                try
                {
                    s.Dispose();
                }
                catch (PetrelException)
                {
                }
            }
            foreach (var m in modules.Values)
            {
                m.Dispose();
            }
            linker.Dispose();
            if (engine != null)
            {
                engine.Dispose();
            }
        }

        // ------------------------------------------------------------ values

        private static int ToI32(string s) => unchecked((int)(long)ParseInt(s));

        private static decimal ParseInt(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);

        private static long ToI64(string s)
        {
            var d = ParseInt(s);
            return d > long.MaxValue ? unchecked((long)(ulong)d) : (long)d;
        }

        private static ulong Hex(string s) => ulong.Parse(s.Substring(2), NumberStyles.HexNumber);

        private static V128 HexV128(string s)
        {
            var h = s.Substring(2).PadLeft(32, '0');
            return new V128(ulong.Parse(h.Substring(16), NumberStyles.HexNumber), ulong.Parse(h.Substring(0, 16), NumberStyles.HexNumber));
        }

        private static string KindOf(Dictionary<string, object> v)
        {
            if (v.Count != 1 || !Kinds.ContainsKey(v.Keys.First()))
            {
                throw new Exception("bad typed value");
            }
            return v.Keys.First();
        }

        private object Arg(Dictionary<string, object> v)
        {
            var k = KindOf(v);
            var e = v[k];
            switch (k)
            {
                case "i32": return ToI32((string)e);
                case "i64": return ToI64((string)e);
                case "f32": return BitConverter.ToSingle(BitConverter.GetBytes((uint)Hex((string)e)), 0);
                case "f64": return BitConverter.Int64BitsToDouble(unchecked((long)Hex((string)e)));
                case "v128": return HexV128((string)e);
                case "funcref":
                    if (e == null)
                    {
                        return null;
                    }
                    var r = J.O(e);
                    return Export((string)r["instance"], (string)r["export"]);
                default:
                    return e == null ? null : (object)long.Parse((string)e, CultureInfo.InvariantCulture);
            }
        }

        private static string Describe(string kind, object x)
        {
            switch (kind)
            {
                case "i32": return "{\"i32\": \"" + x + "\"}";
                case "i64": return "{\"i64\": \"" + x + "\"}";
                case "f32": return x is float ? "{\"f32\": \"0x" + BitConverter.ToUInt32(BitConverter.GetBytes((float)x), 0).ToString("x8") + "\"}" : "f32?" + x;
                case "f64": return x is double ? "{\"f64\": \"0x" + BitConverter.DoubleToInt64Bits((double)x).ToString("x16") + "\"}" : "f64?" + x;
                case "v128": return "{\"v128\": \"" + x + "\"}";
                case "funcref": return "{\"funcref\": " + (x == null ? "null" : "\"non-null\"") + "}";
                case "outcome": return "{\"error\": \"" + x + "\"}";
                default: return "{\"" + kind + "\": " + (x == null ? "null" : "\"" + x + "\"") + "}";
            }
        }

        private static string KindName(ValKind k) => k.ToString().ToLowerInvariant();

        private static bool Matches(Dictionary<string, object> expected, string kind, object actual)
        {
            var k = KindOf(expected);
            var e = expected[k];
            if (kind != null && kind != k)
            {
                return false;
            }
            switch (k)
            {
                case "i32": return actual is int && (int)actual == ToI32((string)e);
                case "i64": return actual is long && (long)actual == ToI64((string)e);
                case "f32": return actual is float && BitConverter.ToUInt32(BitConverter.GetBytes((float)actual), 0) == (uint)Hex((string)e);
                case "f64": return actual is double && (ulong)BitConverter.DoubleToInt64Bits((double)actual) == Hex((string)e);
                case "v128": return actual is V128 && ((V128)actual).Equals(HexV128((string)e));
                case "funcref": return e == null ? actual == null : actual is Function;
                default: return e == null ? actual == null : actual is long && (long)actual == long.Parse((string)e, CultureInfo.InvariantCulture);
            }
        }

        // ------------------------------------------------------------ errors

        // scenarios/README.md, "Classifying errors": substring tests in this
        // order, first match wins.
        private static readonly string[][] MessageKinds =
        {
            new[] { "wrong_store", "wrong store", "is not in this store" },
            new[] { "closed_store", "store is closed" },
            new[] { "thread", "in use by another thread" },
            new[] { "in_use", "while it is in use" },
            new[] { "compile", "failed to parse WebAssembly text", "invalid WebAssembly module" },
            new[] { "deserialize", "serialized module", "serialized Petrel module", "compiled Petrel module", "the compiled module", "authentication failed" },
            new[] { "link", "unknown import", "incompatible import type", "imports, found", "already defined", "different engine" },
            new[] { "limit", "resource limit exceeded", "failed to grow" },
            new[] { "immutable", "immutable global" },
            new[] { "not_enabled", "is not enabled" },
            new[] { "arity", " arguments, got " },
            new[] { "type_mismatch", "cannot hold a", ", expected ", "is not a value of type" },
        };

        private static string ByMessage(string message)
        {
            foreach (var row in MessageKinds)
            {
                for (var i = 1; i < row.Length; i++)
                {
                    if (message.Contains(row[i]))
                    {
                        return row[0];
                    }
                }
            }
            return null;
        }

        internal static string SnakeCase(string pascal) => Regex.Replace(pascal, "(?<!^)([A-Z])", "_$1").ToLowerInvariant();

        public static string Classify(Exception e, bool hostAccess = false)
        {
            if (e is HostError)
            {
                return "host_error";
            }
            if (e is NotFound)
            {
                return "not_found";
            }
            var trap = e as TrapException;
            if (trap != null)
            {
                if (hostAccess && (trap.Type == TrapCode.MemoryOutOfBounds || trap.Type == TrapCode.TableOutOfBounds))
                {
                    return "out_of_bounds";
                }
                return "trap";
            }
            if (e is ArgumentOutOfRangeException)
            {
                return "out_of_bounds";
            }
            if (e is ObjectDisposedException)
            {
                return "closed_store";
            }
            // The binding's own argument checks (before C is reached): a wrong
            // count says " arguments, got ", a wrong type ", expected ".
            if (e is ArgumentException || e is PetrelException)
            {
                return ByMessage(e.Message) ?? "unclassified";
            }
            return "unclassified(" + e.GetType().Name + ")";
        }

        private void CheckError(object expect, Exception e, bool hostAccess)
        {
            var kind = Classify(e, hostAccess);
            var ex = expect as Dictionary<string, object>;
            if (ex == null || !ex.ContainsKey("error"))
            {
                throw new Mismatch("unexpected error (" + kind + "): " + e.GetType().Name + ": " + e.Message);
            }
            if (kind != (string)ex["error"])
            {
                throw new Mismatch("expected error " + ex["error"] + ", got " + kind + ": " + e.GetType().Name + ": " + e.Message);
            }
            if (kind == "trap")
            {
                var t = (TrapException)e;
                var code = SnakeCase(t.Type.ToString());
                if (code != (string)ex["trap"])
                {
                    throw new Mismatch("expected trap " + ex["trap"] + ", got " + code + ": " + e.Message);
                }
                if (ex.ContainsKey("frames"))
                {
                    var want = J.L(ex["frames"]).Select(x => (string)x).ToList();
                    var got = t.Frames.Select(f => f.FunctionName).ToList();
                    if (!want.SequenceEqual(got))
                    {
                        throw new Mismatch("expected frames [" + string.Join(", ", want) + "], got [" + string.Join(", ", got) + "]");
                    }
                }
            }
            if (kind == "host_error" && e.Message != (string)ex["message"])
            {
                throw new Mismatch("expected host error " + ex["message"] + ", got " + e.Message);
            }
            if (kind == "host_error" && !Thrown.Contains(e))
            {
                throw new Mismatch("the host error is not the very exception object the host function threw");
            }
        }

        // ------------------------------------------------------------ setup

        private void NewStore(string name)
        {
            if (engine == null)
            {
                throw new Exception("store_new after drop_engine is not a valid scenario");
            }
            stores[name] = new Store(engine);
        }

        private void DefineHost(Dictionary<string, object> h)
        {
            linker.DefineFunction((string)h["module"], (string)h["name"], HostImpl(h), KindsOf(h, "params"), KindsOf(h, "results"));
        }

        private static ValKind[] KindsOf(Dictionary<string, object> h, string key) => J.L(h[key]).Select(t => Kinds[(string)t]).ToArray();

        private UntypedCallback HostImpl(Dictionary<string, object> h)
        {
            var ps = J.L(h["params"]).Select(x => (string)x).ToArray();
            var rs = J.L(h["results"]).Select(x => (string)x).ToArray();
            var name = (string)h["func"];
            return (caller, args, results) =>
            {
                switch (name)
                {
                    case "add":
                        if (ps[0] == "i32")
                        {
                            results[0] = unchecked((int)args[0] + (int)args[1]);
                        }
                        else
                        {
                            results[0] = unchecked((long)args[0] + (long)args[1]);
                        }
                        return;
                    case "echo":
                        for (var i = 0; i < results.Length; i++)
                        {
                            results[i] = args[i];
                        }
                        return;
                    case "nop":
                        for (var i = 0; i < results.Length; i++)
                        {
                            results[i] = Zero(rs[i]);
                        }
                        return;
                    case "throw_host_error":
                        {
                            var thrown = new HostError((string)h["message"]);
                            Thrown.Add(thrown);
                            throw thrown;
                        }
                    case "trap":
                        {
                            var code = (TrapCode)Enum.Parse(typeof(TrapCode), ((string)h["trap"]).Replace("_", ""), true);
                            throw new TrapException("host trap", code);
                        }
                    case "call_back_into_wasm":
                        {
                            var f = caller.GetFunction((string)h["export"]);
                            if (f == null)
                            {
                                throw new HostError("no exported function " + h["export"]);
                            }
                            var r = f.Invoke(args);
                            if (results.Length == 1)
                            {
                                results[0] = r;
                            }
                            else if (results.Length > 1)
                            {
                                var a = (object[])r;
                                for (var i = 0; i < results.Length; i++)
                                {
                                    results[i] = a[i];
                                }
                            }
                            return;
                        }
                    case "record":
                        for (var i = 0; i < args.Length; i++)
                        {
                            log.Add(new Typed(ps[i], args[i]));
                        }
                        return;
                    case "record_memory_byte":
                        {
                            var mem = caller.GetMemory("memory");
                            var addr = (long)(uint)(int)args[0];
                            log.Add(new Typed("i32", (int)mem.ReadByte(addr)));
                            return;
                        }
                    case "grow_memory":
                        {
                            var mem = caller.GetMemory("memory");
                            try
                            {
                                results[0] = (int)mem.Grow((uint)(int)args[0]);
                            }
                            catch (PetrelException)
                            {
                                results[0] = -1;
                            }
                            return;
                        }
                    case "increment_epoch":
                        engine.IncrementEpoch();
                        return;
                    case "call_on_other_thread":
                        {
                            var f = caller.GetFunction((string)h["export"]);
                            var targs = h.ContainsKey("args") ? J.L(h["args"]).Select(a => Arg(J.O(a))).ToArray() : new object[0];
                            Typed outcome = null;
                            var t = new Thread(() =>
                            {
                                try
                                {
                                    f.Invoke(targs);
                                    outcome = new Typed("outcome", "ok");
                                }
                                catch (Exception e)
                                {
                                    outcome = new Typed("outcome", Classify(e));
                                }
                            });
                            t.Start();
                            t.Join();
                            log.Add(outcome);
                            return;
                        }
                    case "close_store":
                        try
                        {
                            caller.Store.Dispose();
                            log.Add(new Typed("outcome", "ok"));
                        }
                        catch (Exception e)
                        {
                            log.Add(new Typed("outcome", Classify(e)));
                        }
                        return;
                    default:
                        throw new HostError("unknown vocabulary function " + name);
                }
            };
        }

        private static object Zero(string kind)
        {
            switch (kind)
            {
                case "i32": return 0;
                case "i64": return 0L;
                case "f32": return 0f;
                case "f64": return 0.0;
                case "v128": return default(V128);
                default: return null;
            }
        }

        // ------------------------------------------------------------ helpers

        private Module GetModule(string name)
        {
            Module m;
            if (!modules.TryGetValue(name, out m))
            {
                var src = J.O(sc["modules"]);
                if (engine == null)
                {
                    throw new Exception("module " + name + " first compiled after drop_engine");
                }
                var s = src[name];
                if (s is string)
                {
                    m = Module.FromText(engine, name, (string)s);
                }
                else
                {
                    var hex = (string)J.O(s)["hex"];
                    var b = new byte[hex.Length / 2];
                    for (var i = 0; i < b.Length; i++)
                    {
                        b[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
                    }
                    m = Module.FromBytes(engine, name, b);
                }
                modules[name] = m;
            }
            return m;
        }

        private Store StoreFor(Dictionary<string, object> step)
        {
            if (step.ContainsKey("store"))
            {
                return stores[(string)step["store"]];
            }
            if (step.ContainsKey("instance") && instances.ContainsKey((string)step["instance"]))
            {
                return stores[instances[(string)step["instance"]].Value];
            }
            return stores["main"];
        }

        private object Export(string instance, string name)
        {
            var inst = instances[instance].Key;
            var item = inst.GetExports().Where(kv => kv.Key == name).Select(kv => kv.Value).FirstOrDefault();
            if (item == null)
            {
                throw new NotFound("no export " + name);
            }
            return item;
        }

        /// <summary>The step's item, rebound to the step's store when it names another one.</summary>
        private object Item(Dictionary<string, object> step)
        {
            var item = Export((string)step["instance"], (string)step["export"]);
            var store = StoreFor(step);
            return Rebind(item, store);
        }

        private static object Rebind(object item, Store store)
        {
            if (item is Function)
            {
                var f = (Function)item;
                return f.Store == store ? f : f.Rebind(store);
            }
            if (item is Memory)
            {
                var m = (Memory)item;
                return m.Store == store ? m : m.Rebind(store);
            }
            if (item is Table)
            {
                var t = (Table)item;
                return t.Store == store ? t : t.Rebind(store);
            }
            var g = (Global)item;
            return g.Store == store ? g : g.Rebind(store);
        }

        // ------------------------------------------------------------ steps

        public void Run()
        {
            var steps = J.L(sc["steps"]);
            for (var i = 0; i < steps.Count; i++)
            {
                var step = J.O(steps[i]);
                var repeat = step.ContainsKey("repeat") ? J.N(step, "repeat") : 1;
                for (var n = 0; n < repeat; n++)
                {
                    try
                    {
                        Step(step);
                    }
                    catch (Mismatch m)
                    {
                        var rep = step.ContainsKey("repeat") ? " (repeat " + (n + 1) + ")" : "";
                        throw new Mismatch("step " + (i + 1) + " (" + step["op"] + ")" + rep + ": " + m.Message);
                    }
                }
            }
        }

        private void Step(Dictionary<string, object> step)
        {
            var op = (string)step["op"];
            var expect = step.ContainsKey("expect") ? step["expect"] : "ok";
            var hostAccess = op.StartsWith("memory_") || op.StartsWith("table_");
            object got;
            try
            {
                got = Do(op, step);
            }
            catch (Mismatch)
            {
                throw;
            }
            catch (Exception e)
            {
                CheckError(expect, e, hostAccess);
                return;
            }
            var ex = expect as Dictionary<string, object>;
            if (ex != null && ex.ContainsKey("error"))
            {
                throw new Mismatch("expected error " + ex["error"] + ", got success");
            }
            if (ex == null)
            {
                return;
            }
            CheckValue(op, ex, got);
        }

        private void CheckValue(string op, Dictionary<string, object> ex, object got)
        {
            if (op == "wasi_run")
            {
                var r = (object[])got;
                var want = J.N(ex, "exit_code") + "/" + ex["stdout"] + "/" + ex["stderr"];
                var have = r[0] + "/" + Encoding.UTF8.GetString((byte[])r[1]) + "/" + Encoding.UTF8.GetString((byte[])r[2]);
                if (want != have)
                {
                    throw new Mismatch("expected exit_code/stdout/stderr " + want + ", got " + have);
                }
            }
            else if (ex.ContainsKey("results"))
            {
                var want = J.L(ex["results"]).Select(J.O).ToList();
                var vals = (List<object>)got;
                var ok = vals.Count == want.Count;
                for (var i = 0; ok && i < want.Count; i++)
                {
                    ok = Matches(want[i], null, vals[i]);
                }
                if (!ok)
                {
                    throw new Mismatch("expected " + want.Count + " results " + string.Join(", ", want.Select(w => KindOf(w) + "=" + w[KindOf(w)])) + ", got [" + string.Join(", ", vals.Select(v => v == null ? "null" : v + ":" + v.GetType().Name)) + "]");
                }
            }
            else if (ex.ContainsKey("value"))
            {
                var t = (Typed)got;
                if (!Matches(J.O(ex["value"]), t.Kind, t.Value))
                {
                    throw new Mismatch("expected value " + KindOf(J.O(ex["value"])) + "=" + J.O(ex["value"]).Values.First() + ", got " + Describe(t.Kind, t.Value));
                }
            }
            else if (ex.ContainsKey("log"))
            {
                var want = J.L(ex["log"]).Select(J.O).ToList();
                var have = (List<Typed>)got;
                var ok = want.Count == have.Count;
                for (var i = 0; ok && i < want.Count; i++)
                {
                    if (want[i].ContainsKey("error") || want[i].ContainsKey("ok"))
                    {
                        var w = want[i].ContainsKey("error") ? (string)want[i]["error"] : "ok";
                        ok = have[i].Kind == "outcome" && (string)have[i].Value == w;
                    }
                    else
                    {
                        ok = have[i].Kind != "outcome" && Matches(want[i], have[i].Kind, have[i].Value);
                    }
                }
                if (!ok)
                {
                    throw new Mismatch("expected log of " + want.Count + ", got [" + string.Join(", ", have.Select(t => Describe(t.Kind, t.Value))) + "]");
                }
            }
            else if (ex.ContainsKey("bytes"))
            {
                var hex = BitConverter.ToString((byte[])got).Replace("-", "").ToLowerInvariant();
                if (hex != ((string)ex["bytes"]).ToLowerInvariant())
                {
                    throw new Mismatch("expected bytes " + ex["bytes"] + ", got " + hex);
                }
            }
            else
            {
                var key = new[] { "size", "old_size", "fuel" }.FirstOrDefault(ex.ContainsKey);
                if (key == null)
                {
                    throw new Mismatch("unknown expectation");
                }
                if (Convert.ToDecimal(got) != ParseInt(J.S(ex, key)))
                {
                    throw new Mismatch("expected " + key + " " + J.S(ex, key) + ", got " + got);
                }
            }
        }

        private List<object> CallFunc(Dictionary<string, object> step)
        {
            var f = Item(step) as Function;
            if (f == null)
            {
                throw new NotFound("export " + step["export"] + " is not a function");
            }
            var args = J.L(step["args"]).Select(a => Arg(J.O(a))).ToArray();
            var n = f.Store.IsDisposed ? 0 : f.Results.Count;
            return Results(f.Invoke(args), n);
        }

        private static List<object> Results(object r, int n)
        {
            if (n == 0)
            {
                return new List<object>();
            }
            if (n == 1)
            {
                return new List<object> { r };
            }
            return ((object[])r).ToList();
        }

        private object Do(string op, Dictionary<string, object> step)
        {
            switch (op)
            {
                case "store_new":
                    NewStore((string)step["store"]);
                    return null;
                case "compile":
                    GetModule((string)step["module"]);
                    return null;
                case "instantiate":
                    {
                        var store = StoreFor(step);
                        var module = GetModule((string)step["module"]);
                        Instance inst;
                        if (step.ContainsKey("imports"))
                        {
                            var items = new List<object>();
                            foreach (var io in J.L(step["imports"]))
                            {
                                var imp = J.O(io);
                                if (imp.ContainsKey("host"))
                                {
                                    var h = hosts.First(x => (string)x["name"] == (string)imp["host"]);
                                    var s = stores[imp.ContainsKey("store") ? (string)imp["store"] : "main"];
                                    items.Add(Function.FromCallback(s, HostImpl(h), KindsOf(h, "params"), KindsOf(h, "results")));
                                }
                                else
                                {
                                    items.Add(Export((string)imp["instance"], (string)imp["export"]));
                                }
                            }
                            inst = new Instance(store, module, items.ToArray());
                        }
                        else
                        {
                            inst = linker.Instantiate(store, module);
                        }
                        var sname = stores.First(kv => kv.Value == store).Key;
                        instances[(string)step["as"]] = new KeyValuePair<Instance, string>(inst, sname);
                        return null;
                    }
                case "exports":
                    {
                        var inst = instances[(string)step["instance"]].Key;
                        var st = StoreFor(step);
                        (inst.Store == st ? inst : inst.Rebind(st)).GetExports();
                        return null;
                    }
                case "call":
                    {
                        if (!step.ContainsKey("on_thread") || !(bool)step["on_thread"])
                        {
                            return CallFunc(step);
                        }
                        object result = null;
                        Exception error = null;
                        var t = new Thread(() =>
                        {
                            try
                            {
                                result = CallFunc(step);
                            }
                            catch (Exception e)
                            {
                                error = e;
                            }
                        });
                        t.Start();
                        t.Join();
                        if (error != null)
                        {
                            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                        }
                        return result;
                    }
                case "host_call":
                    {
                        var store = StoreFor(step);
                        var h = hosts.First(x => (string)x["name"] == (string)step["host"]);
                        var f = Function.FromCallback(store, HostImpl(h), KindsOf(h, "params"), KindsOf(h, "results"));
                        var args = J.L(step["args"]).Select(a => Arg(J.O(a))).ToArray();
                        return Results(f.Invoke(args), J.L(h["results"]).Count);
                    }
                case "memory_size":
                    return ((Memory)Item(step)).GetSize();
                case "memory_grow":
                    return ((Memory)Item(step)).Grow((ulong)J.N(step, "delta"));
                case "memory_read":
                    return ((Memory)Item(step)).ReadBytes(J.N(step, "offset"), (int)J.N(step, "length"));
                case "memory_write":
                    {
                        var hex = (string)step["bytes"];
                        var b = new byte[hex.Length / 2];
                        for (var i = 0; i < b.Length; i++)
                        {
                            b[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
                        }
                        ((Memory)Item(step)).WriteBytes(J.N(step, "offset"), b);
                        return null;
                    }
                case "table_size":
                    return ((Table)Item(step)).GetSize();
                case "table_get":
                    {
                        var t = (Table)Item(step);
                        var v = t.GetElement((uint)J.N(step, "index"));
                        return new Typed(KindName(t.Kind), v);
                    }
                case "table_set":
                    ((Table)Item(step)).SetElement((uint)J.N(step, "index"), Arg(J.O(step["value"])));
                    return null;
                case "table_grow":
                    return ((Table)Item(step)).Grow((uint)J.N(step, "delta"), Arg(J.O(step["init"])));
                case "global_get":
                    {
                        var g = (Global)Item(step);
                        var v = g.GetValue();
                        return new Typed(KindName(g.Kind), v);
                    }
                case "global_set":
                    ((Global)Item(step)).SetValue(Arg(J.O(step["value"])));
                    return null;
                case "set_fuel":
                    StoreFor(step).Fuel = ulong.Parse(J.S(step, "fuel"), CultureInfo.InvariantCulture);
                    return null;
                case "get_fuel":
                    return StoreFor(step).Fuel;
                case "set_epoch_deadline":
                    StoreFor(step).SetEpochDeadline((ulong)J.N(step, "ticks"));
                    return null;
                case "increment_epoch":
                    engine.IncrementEpoch();
                    return null;
                case "set_limits":
                    StoreFor(step).SetLimits(J.N(step, "memory_size"), J.N(step, "table_elements"), J.N(step, "instances"));
                    return null;
                case "close_store":
                    stores[(string)step["store"]].Dispose();
                    return null;
                case "drop_engine":
                    engine.Dispose();
                    engine = null;
                    return null;
                case "drop_module":
                    GetModule((string)step["module"]).Dispose();
                    modules.Remove((string)step["module"]);
                    return null;
                case "serialize":
                    {
                        var blob = GetModule((string)step["module"]).Serialize();
                        var c = step.ContainsKey("corrupt") ? (string)step["corrupt"] : null;
                        switch (c)
                        {
                            case null: break;
                            case "truncate_half": blob = blob.Take(blob.Length / 2).ToArray(); break;
                            case "flip_middle_byte": blob[blob.Length / 2] ^= 0xFF; break;
                            case "flip_first_byte": blob[0] ^= 0xFF; break;
                            case "flip_last_byte": blob[blob.Length - 1] ^= 0xFF; break;
                            case "empty": blob = new byte[0]; break;
                            case "append_byte": blob = blob.Concat(new byte[] { 0 }).ToArray(); break;
                            default: throw new Mismatch("unknown corruption " + c);
                        }
                        modules[(string)step["as"]] = Module.Deserialize(engine, (string)step["as"], blob);
                        return null;
                    }
                case "linker_define":
                    {
                        var store = step.ContainsKey("store") ? stores[(string)step["store"]] : StoreFor(new Dictionary<string, object> { { "instance", step["instance"] } });
                        var item = Rebind(Export((string)step["instance"], (string)step["export"]), store);
                        linker.Define((string)step["module"], (string)step["name"], item);
                        return null;
                    }
                case "linker_define_instance":
                    {
                        var kv = instances[(string)step["instance"]];
                        var store = step.ContainsKey("store") ? stores[(string)step["store"]] : stores[kv.Value];
                        linker.DefineInstance(store, (string)step["module"], kv.Key);
                        return null;
                    }
                case "linker_define_host":
                    {
                        var h = J.O(step["host"]);
                        hosts.Add(h);
                        DefineHost(h);
                        return null;
                    }
                case "linker_allow_shadowing":
                    linker.AllowShadowing = (bool)step["allow"];
                    return null;
                case "log":
                    {
                        var got = log;
                        log = new List<Typed>();
                        return got;
                    }
                case "wasi_run":
                    {
                        var store = StoreFor(step);
                        var cfg = new WasiConfiguration();
                        cfg.WithArgs(J.L(step["args"]).Select(x => (string)x).ToArray());
                        foreach (var kv in J.L(step["env"]))
                        {
                            var pair = J.L(kv);
                            cfg.WithEnvironmentVariable((string)pair[0], (string)pair[1]);
                        }
                        cfg.WithStandardInputBytes(Encoding.UTF8.GetBytes((string)step["stdin"]));
                        cfg.WithCapturedStandardOutput();
                        cfg.WithCapturedStandardError();
                        store.SetWasiConfiguration(cfg);
                        var inst = linker.Instantiate(store, GetModule((string)step["module"]));
                        var start = inst.GetFunction("_start");
                        var code = 0;
                        try
                        {
                            start.Invoke();
                        }
                        catch (ExitException e)
                        {
                            code = e.ExitCode;
                        }
                        return new object[] { code, store.GetCapturedStandardOutput(), store.GetCapturedStandardError() };
                    }
                default:
                    throw new Mismatch("unknown op " + op);
            }
        }
    }

    public static class Program
    {
        public static int Main(string[] argv)
        {
            var here = AppDomain.CurrentDomain.BaseDirectory;
            string dir = Environment.GetEnvironmentVariable("PETREL_SCENARIOS");
            string expectedPath = Environment.GetEnvironmentVariable("PETREL_SCENARIOS_EXPECTED");
            string filter = null;
            var verbose = false;
            for (var i = 0; i < argv.Length; i++)
            {
                if (argv[i] == "--filter")
                {
                    filter = argv[++i];
                }
                else if (argv[i] == "-v")
                {
                    verbose = true;
                }
                else if (argv[i] == "--expected")
                {
                    expectedPath = argv[++i];
                }
                else
                {
                    dir = argv[i];
                }
            }
            if (dir == null || !Directory.Exists(dir) || Directory.GetFiles(dir, "*.json").Length == 0)
            {
                Console.WriteLine("FAIL: the scenario suite is missing (looked in " + (dir ?? "<no directory given>") + "; it lives at ../scenarios from bindings-dotnet, or set PETREL_SCENARIOS)");
                Console.WriteLine("scenarios: 0 passed, 0 failed");
                return 1;
            }
            var expected = new Dictionary<string, string>();
            if (expectedPath != null && !File.Exists(expectedPath))
            {
                Console.WriteLine("FAIL: the expected-failures list " + expectedPath + " does not exist");
                return 1;
            }
            if (expectedPath != null)
            {
                foreach (var raw in File.ReadAllLines(expectedPath))
                {
                    var line = raw.Trim();
                    if (line.Length == 0 || line.StartsWith("#"))
                    {
                        continue;
                    }
                    var sp = line.IndexOf(' ');
                    expected[sp < 0 ? line : line.Substring(0, sp)] = sp < 0 ? "" : line.Substring(sp + 1).Trim();
                }
            }
            var scenarios = new List<Dictionary<string, object>>();
            foreach (var f in Directory.GetFiles(dir, "*.json").OrderBy(x => x, StringComparer.Ordinal))
            {
                var doc = J.O(MiniJson.Parse(File.ReadAllText(f)));
                scenarios.AddRange(J.L(doc["scenarios"]).Select(J.O));
            }
            var names = scenarios.Select(s => (string)s["name"]).ToList();
            int passed = 0, failed = 0, bad = 0;
            foreach (var d in names.GroupBy(n => n).Where(g => g.Count() > 1))
            {
                Console.WriteLine("FAIL " + d.Key + ": scenario name used more than once");
                bad++;
            }
            foreach (var n in expected.Keys.Where(n => !names.Contains(n)).OrderBy(n => n))
            {
                Console.WriteLine("FAIL " + n + ": listed in scenarios_expected_failures.txt but no such scenario");
                bad++;
            }
            foreach (var sc in scenarios)
            {
                var name = (string)sc["name"];
                if (filter != null && !name.Contains(filter))
                {
                    continue;
                }
                string problem = null;
                Scenario s = null;
                try
                {
                    s = new Scenario(sc);
                    s.Run();
                }
                catch (Mismatch m)
                {
                    problem = m.Message;
                }
                catch (Exception e)
                {
                    problem = "runner error: " + e.GetType().Name + ": " + e.Message;
                }
                finally
                {
                    try
                    {
                        if (s != null)
                        {
                            s.Dispose();
                        }
                    }
                    catch (Exception e)
                    {
                        problem = problem ?? "runner error in cleanup: " + e.Message;
                    }
                }
                if (problem == null)
                {
                    passed++;
                    if (expected.ContainsKey(name))
                    {
                        Console.WriteLine("FAIL " + name + ": listed as an expected failure (" + expected[name] + ") but passes: remove it from the list");
                        bad++;
                    }
                    else if (verbose)
                    {
                        Console.WriteLine("ok " + name);
                    }
                }
                else
                {
                    failed++;
                    if (expected.ContainsKey(name))
                    {
                        Console.WriteLine("expected failure " + name + ": " + problem);
                    }
                    else
                    {
                        Console.WriteLine("FAIL " + name + ": " + problem);
                        bad++;
                    }
                }
            }
            if (expected.Count > 0)
            {
                Console.WriteLine("expected failures listed: " + expected.Count);
            }
            Console.WriteLine("scenarios: " + passed + " passed, " + failed + " failed");
            return bad > 0 ? 1 : 0;
        }
    }
}
