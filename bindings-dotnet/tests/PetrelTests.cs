// The .NET binding's own tests (NUnit 2.6, run by nunit-console under Mono).

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Petrel.Tests
{
    internal static class Repo
    {
        /// <summary>The repository root: PETREL_REPO, or the first parent of the current directory holding header-gen/api.json.</summary>
        public static string Root
        {
            get
            {
                var env = Environment.GetEnvironmentVariable("PETREL_REPO");
                if (!string.IsNullOrEmpty(env))
                {
                    return env;
                }
                for (var d = Directory.GetCurrentDirectory(); d != null; d = Path.GetDirectoryName(d))
                {
                    if (File.Exists(Path.Combine(d, "header-gen", "api.json")))
                    {
                        return d;
                    }
                }
                throw new InvalidOperationException("set PETREL_REPO to the repository root");
            }
        }
    }

    public sealed class CustomException : Exception
    {
        public CustomException(string m) : base(m) { }
    }

    [TestFixture]
    public class EngineAndModuleTests
    {
        private const string Add = "(module (func $add (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))";

        [Test]
        public void Module_FromText_ListsImportsAndExports()
        {
            using (var engine = new Engine())
            using (var module = Module.FromText(engine, "m", "(module (import \"host\" \"f\" (func (param i64) (result f32))) (memory (export \"mem\") 1 2) (global (export \"g\") (mut i32) (i32.const 1)) (table (export \"t\") 3 funcref) (func (export \"run\")))"))
            {
                Assert.AreEqual(1, module.Imports.Count);
                Assert.AreEqual("host", module.Imports[0].ModuleName);
                Assert.AreEqual("f", module.Imports[0].Name);
                var ft = (FunctionType)module.Imports[0].Type;
                CollectionAssert.AreEqual(new[] { ValKind.I64 }, ft.Parameters);
                CollectionAssert.AreEqual(new[] { ValKind.F32 }, ft.Results);
                CollectionAssert.AreEqual(new[] { "mem", "g", "t", "run" }, module.Exports.Select(e => e.Name).ToArray());
                var mt = (MemoryType)module.Exports[0].Type;
                Assert.AreEqual(1UL, mt.Minimum);
                Assert.AreEqual(2UL, mt.Maximum);
                var gt = (GlobalType)module.Exports[1].Type;
                Assert.AreEqual(ValKind.I32, gt.Content);
                Assert.AreEqual(Mutability.Var, gt.Mutability);
                var tt = (TableType)module.Exports[2].Type;
                Assert.AreEqual(ValKind.Funcref, tt.Element);
                Assert.AreEqual(3U, tt.Minimum);
                Assert.AreEqual(ExternKind.Func, module.Exports[3].Kind);
                var fi = (FunctionImport)module.Imports[0];
                CollectionAssert.AreEqual(new[] { ValKind.I64 }, fi.Parameters);
                Assert.AreEqual(2UL, ((MemoryExport)module.Exports[0]).Maximum);
                Assert.AreEqual(Mutability.Var, ((GlobalExport)module.Exports[1]).Mutability);
                Assert.AreEqual(3U, ((TableExport)module.Exports[2]).Minimum);
                Assert.IsEmpty(((FunctionExport)module.Exports[3]).Results);
            }
        }

        [Test]
        public void Module_InvalidText_Throws()
        {
            using (var engine = new Engine())
            {
                Assert.Throws<PetrelException>(() => Module.FromText(engine, "bad", "(module (func (result i32)))"));
                Assert.Throws<PetrelException>(() => Module.FromText(engine, "bad", "(modul"));
            }
        }

        [Test]
        public void Module_Validate_ReturnsNullOrWhy()
        {
            using (var engine = new Engine())
            {
                Assert.IsNull(Module.Validate(engine, Module.WatToWasm(Add)));
                Assert.IsNotNull(Module.Validate(engine, new byte[] { 0, 97, 115, 109, 9, 0, 0, 0 }));
            }
        }

        [Test]
        public void Module_SerializeDeserialize_RoundTrips()
        {
            using (var engine = new Engine())
            using (var module = Module.FromText(engine, "m", Add))
            {
                var bytes = module.Serialize();
                using (var again = Module.Deserialize(engine, "m2", bytes))
                using (var store = new Store(engine))
                {
                    var add = new Instance(store, again).GetFunction<int, int, int>("add");
                    Assert.AreEqual(5, add(2, 3));
                }
                bytes[bytes.Length / 2] ^= 0xFF;
                Assert.Throws<PetrelException>(() => Module.Deserialize(engine, "bad", bytes));
            }
        }

        [Test]
        public void Config_ModuleKey_SharedKeyLoadsOtherKeysDoNot()
        {
            byte[] key;
            using (var gen = new Config())
            {
                key = gen.GenerateModuleKey();
            }
            Assert.AreEqual(32, key.Length);
            Func<byte[], Engine> keyed = k =>
            {
                using (var c = new Config().WithModuleKey(k))
                {
                    return new Engine(c);
                }
            };
            using (var a = keyed(key))
            using (var b = keyed(key))
            using (var other = keyed(new byte[32]))
            using (var module = Module.FromText(a, "m", Add))
            {
                var bytes = module.Serialize();
                using (var again = Module.Deserialize(b, "m2", bytes))
                using (var store = new Store(b))
                {
                    var add = new Instance(store, again).GetFunction<int, int, int>("add");
                    Assert.AreEqual(5, add(2, 3));
                }
                var e = Assert.Throws<PetrelException>(() => Module.Deserialize(other, "foreign", bytes));
                StringAssert.Contains("authentication failed", e.Message);
            }
            using (var c = new Config())
            {
                Assert.Throws<PetrelException>(() => c.WithModuleKey(new byte[31]));
                Assert.Throws<ArgumentNullException>(() => c.WithModuleKey(null));
            }
        }

        [Test]
        public void Module_FromFile_ReadsTheHelloExample()
        {
            using (var engine = new Engine())
            using (var module = Module.FromFile(engine, Path.Combine(Repo.Root, "examples", "hello.wat")))
            {
                Assert.AreEqual("hello", module.Imports[0].Name);
                Assert.AreEqual("run", module.Exports[0].Name);
            }
        }

        [Test]
        public void Engine_DisposedBeforeItsStoresAndModules_TheyKeepWorking()
        {
            var engine = new Engine();
            var module = Module.FromText(engine, "m", Add);
            var store = new Store(engine);
            engine.Dispose();
            var add = new Instance(store, module).GetFunction<int, int, int>("add");
            Assert.AreEqual(7, add(3, 4));
            Assert.Throws<ObjectDisposedException>(() => new Store(engine));
            store.Dispose();
            module.Dispose();
        }

        [Test]
        public void Config_Options_AreAppliedFluently()
        {
            using (var config = new Config().WithSIMD(true).WithReferenceTypes(true).WithBulkMemory(true)
                .WithMultiValue(true).WithSignExtension(true).WithSaturatingFloatToInt(true)
                .WithParallelCompilation(false).WithStaticMemoryGuard(true)
                .WithOptimizationLevel(OptLevel.SpeedAndSize).WithMaximumStackSize(512 * 1024))
            using (var engine = new Engine(config))
            using (var module = Module.FromText(engine, "m", Add))
            {
                Assert.AreEqual(1, module.Exports.Count);
            }
            using (var config = new Config().WithSIMD(false))
            using (var engine = new Engine(config))
            {
                Assert.Throws<PetrelException>(() => Module.FromText(engine, "simd", "(module (func (result v128) v128.const i64x2 0 0))"));
            }
        }
    }

    [TestFixture]
    public class CallTests
    {
        private Engine engine;
        private Store store;

        [SetUp]
        public void SetUp()
        {
            engine = new Engine();
            store = new Store(engine);
        }

        [TearDown]
        public void TearDown()
        {
            store.Dispose();
            engine.Dispose();
        }

        private Instance Instantiate(string wat, params object[] imports)
        {
            using (var module = Module.FromText(engine, "m", wat))
            {
                return new Instance(store, module, imports);
            }
        }

        [Test]
        public void Invoke_AllValueKinds_RoundTrip()
        {
            var i = Instantiate("(module (func (export \"id\") (param i32 i64 f32 f64 v128 funcref externref) (result i32 i64 f32 f64 v128 funcref externref) local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 local.get 6))");
            var id = i.GetFunction("id");
            var host = new object();
            var v = new V128(0x0102030405060708UL, 0x1112131415161718UL);
            var r = (object[])id.Invoke(-5, long.MinValue, 1.5f, -0.0, v, id, host);
            Assert.AreEqual(-5, r[0]);
            Assert.AreEqual(long.MinValue, r[1]);
            Assert.AreEqual(1.5f, r[2]);
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)r[3]));
            Assert.AreEqual(v, r[4]);
            Assert.IsInstanceOf<Function>(r[5]);
            Assert.AreSame(host, r[6]);
            var nulls = (object[])id.Invoke(0, 0L, 0f, 0.0, default(V128), null, null);
            Assert.IsNull(nulls[5]);
            Assert.IsNull(nulls[6]);
        }

        [Test]
        public void Typed_Wrappers_CallWithoutBoxing()
        {
            var i = Instantiate("(module (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) (func (export \"add64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add) (func (export \"half\") (param f64) (result f64) local.get 0 f64.const 0.5 f64.mul) (func (export \"nop\")))");
            Assert.AreEqual(int.MinValue, i.GetFunction<int, int, int>("add")(int.MaxValue, 1));
            Assert.AreEqual(uint.MaxValue, i.GetFunction<uint, uint, uint>("add")(uint.MaxValue - 1, 1));
            Assert.AreEqual(3L, i.GetFunction<long, long, long>("add64")(1, 2));
            Assert.AreEqual(1.25, i.GetFunction<double, double>("half")(2.5));
            i.GetAction("nop")();
            Assert.IsNull(i.GetFunction<int, int>("missing"));
            Assert.Throws<PetrelException>(() => i.GetFunction<long, long, long>("add"));
            Assert.Throws<NotSupportedException>(() => i.GetFunction<decimal, int, int>("add"));
            Assert.AreEqual(5, i.GetFunction("add").Invoke(2, 3));
            Assert.AreEqual(5, i.GetFunction("add").InvokeChecked(2, 3));
        }

        [Test]
        public void Typed_SevenParameters_HostAndWasm()
        {
            Func<Caller, int, long, float, double, int, int, int, long> sum = (c, a, b, x, y, d, e, f) => a + b + (long)x + (long)y + d + e + f;
            var host = Function.FromCallback(store, sum);
            var i = Instantiate("(module (import \"h\" \"sum\" (func $s (param i32 i64 f32 f64 i32 i32 i32) (result i64))) (func (export \"sum\") (param i32 i64 f32 f64 i32 i32 i32) (result i64) local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 local.get 6 call $s))", host);
            Assert.AreEqual(28L, i.GetFunction<int, long, float, double, int, int, int, long>("sum")(1, 2, 3f, 4.0, 5, 6, 7));
            Assert.AreEqual(28L, host.WrapFunc<int, long, float, double, int, int, int, long>()(1, 2, 3f, 4.0, 5, 6, 7));
        }

        [Test]
        public void Typed_MultiValueResults_AreValueTuples()
        {
            Func<int, long, (long, int)> swap = (a, b) => (b, a);
            var host = Function.FromCallback(store, swap);
            var i = Instantiate("(module (import \"h\" \"swap\" (func $s (param i32 i64) (result i64 i32))) (func (export \"swap\") (param i32 i64) (result i64 i32) local.get 0 local.get 1 call $s) (func (export \"three\") (result i32 f64 i32) i32.const 1 f64.const 2.5 i32.const 3))", host);
            var r = i.GetFunction<int, long, (long, int)>("swap")(7, 9L);
            Assert.AreEqual(9L, r.Item1);
            Assert.AreEqual(7, r.Item2);
            var three = i.GetFunction<(int, double, int)>("three")();
            Assert.AreEqual((1, 2.5, 3), three);
            Assert.Throws<PetrelException>(() => i.GetFunction<(int, int)>("three"));
            Assert.Throws<NotSupportedException>(() => i.GetFunction<(int, decimal)>("three"));
        }

        [Test]
        public void Invoke_WrongArgumentCountOrType_ThrowsArgumentException()
        {
            var add = Instantiate("(module (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))").GetFunction("add");
            var e = Assert.Throws<ArgumentException>(() => add.Invoke(1));
            StringAssert.Contains("expected 2 arguments", e.Message);
            Assert.Throws<ArgumentException>(() => add.Invoke(1, 2, 3));
            Assert.Throws<ArgumentException>(() => add.Invoke(1, "two"));
            Assert.Throws<ArgumentException>(() => add.Invoke(1, 2.0));
            Assert.Throws<ArgumentException>(() => add.Invoke(1, null));
        }

        [Test]
        public void Trap_CarriesCodeAndFrames()
        {
            var i = Instantiate("(module (func $inner (unreachable)) (func $outer (export \"run\") (call $inner)) (func (export \"div\") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s))");
            var e = Assert.Throws<TrapException>(() => i.GetAction("run")());
            Assert.AreEqual(TrapCode.Unreachable, e.Type);
            CollectionAssert.AreEqual(new[] { "inner", "outer" }, e.Frames.Select(f => f.FunctionName).ToArray());
            Assert.IsInstanceOf<PetrelException>(e);
            var d = Assert.Throws<TrapException>(() => i.GetFunction<int, int>("div")(0));
            Assert.AreEqual(TrapCode.IntegerDivisionByZero, d.Type);
        }

        [Test]
        public void Memory_ReadsWritesAndViews()
        {
            var i = Instantiate("(module (memory (export \"mem\") 1 3) (func (export \"load\") (param i32) (result i32) local.get 0 i32.load))");
            var mem = i.GetMemory("mem");
            Assert.AreEqual(1UL, mem.GetSize());
            Assert.AreEqual(65536L, mem.GetLength());
            mem.WriteInt32(8, 0x01020304);
            Assert.AreEqual(0x01020304, i.GetFunction<int, int>("load")(8));
            Assert.AreEqual(4, mem.ReadByte(8));
            mem.WriteInt64(16, -2);
            Assert.AreEqual(-2L, mem.ReadInt64(16));
            mem.WriteSingle(24, 1.5f);
            Assert.AreEqual(1.5f, mem.ReadSingle(24));
            mem.WriteDouble(32, 2.5);
            Assert.AreEqual(2.5, mem.ReadDouble(32));
            mem.WriteInt16(40, -3);
            Assert.AreEqual(-3, mem.ReadInt16(40));
            Assert.AreEqual(5, mem.WriteString(100, "héllo") - 1);
            Assert.AreEqual("héllo", mem.ReadString(100, 6));
            Assert.AreEqual("héllo", mem.ReadNullTerminatedString(100));
            mem.WriteBytes(200, new byte[] { 9, 8, 7 });
            CollectionAssert.AreEqual(new byte[] { 9, 8, 7 }, mem.ReadBytes(200, 3));
            var view = mem.GetView();
            Assert.AreEqual(65536L, view.Length);
            Assert.AreEqual(9, view[200]);
            view[201] = 42;
            Assert.AreEqual(42, mem.ReadByte(201));
            Assert.AreNotEqual(IntPtr.Zero, mem.GetPointer());
            Assert.Throws<ArgumentOutOfRangeException>(() => mem.ReadInt32(65534));
            Assert.Throws<ArgumentOutOfRangeException>(() => mem.ReadBytes(-1, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => { var x = view[65536]; });
            Assert.AreEqual(1UL, mem.Grow(1));
            Assert.AreEqual(2UL, mem.GetSize());
            Assert.AreEqual(1UL, mem.Minimum - 1);
            Assert.AreEqual(3UL, mem.Maximum);
            Assert.Throws<PetrelException>(() => mem.Grow(5));
            var own = new Memory(store, 1, 1);
            Assert.AreEqual(1UL, own.GetSize());
        }

        [Test]
        public void Memory64_TypesSizesAndTraps()
        {
            var i = Instantiate("(module (memory (export \"mem\") i64 1 4) (table (export \"t\") i64 2 funcref)"
                + " (func (export \"grow\") (param i64) (result i64) local.get 0 memory.grow)"
                + " (func (export \"load\") (param i64) (result i32) local.get 0 i32.load8_u))");
            var mem = i.GetMemory("mem");
            Assert.IsTrue(mem.Is64Bit);
            Assert.AreEqual(65536UL, mem.Type.PageSize);
            var grow = i.GetFunction<long, long>("grow");
            Assert.AreEqual(1L, grow(2));
            Assert.AreEqual(-1L, grow(2));
            Assert.AreEqual(3UL, mem.GetSize());
            var load = i.GetFunction<long, int>("load");
            var oob = Assert.Throws<TrapException>(() => load(1L << 32));
            Assert.AreEqual(TrapCode.MemoryOutOfBounds, oob.Type);
            var t = i.GetTable("t");
            Assert.IsTrue(t.Type.Is64Bit);
            Assert.AreEqual(2UL, t.Type.Minimum64);
            var own = new Memory(store, 1, 1UL << 40, is64Bit: true);
            Assert.IsTrue(own.Is64Bit);
            Assert.AreEqual(1UL << 40, own.Maximum);
            Assert.Throws<PetrelException>(() => new Memory(store, 1, 1UL << 40));
            Assert.IsFalse(new Memory(store, 1).Is64Bit);
        }

        [Test]
        public void TableAndGlobal_GetSetGrow()
        {
            var i = Instantiate("(module (table (export \"t\") 2 10 funcref) (global (export \"g\") (mut i64) (i64.const 7)) (global (export \"c\") f32 (f32.const 1.5)) (func (export \"f\") (result i32) i32.const 3))");
            var t = i.GetTable("t");
            var f = i.GetFunction("f");
            Assert.AreEqual(2U, t.GetSize());
            Assert.IsNull(t.GetElement(0));
            t.SetElement(1, f);
            Assert.AreEqual(3, ((Function)t.GetElement(1)).Invoke());
            Assert.AreEqual(f, t.GetElement(1));
            Assert.AreEqual(i.GetGlobal("g"), i.GetGlobal("g"));
            Assert.AreNotEqual(i.GetGlobal("g"), i.GetGlobal("c"));
            Assert.AreEqual(2U, t.Grow(3, f));
            Assert.AreEqual(5U, t.GetSize());
            Assert.AreEqual(ValKind.Funcref, t.Kind);
            var oob = Assert.Throws<TrapException>(() => t.GetElement(99));
            Assert.AreEqual(TrapCode.TableOutOfBounds, oob.Type);
            Assert.Throws<ArgumentException>(() => t.SetElement(0, "not a function"));
            var g = i.GetGlobal("g");
            Assert.AreEqual(7L, g.GetValue());
            g.SetValue(-1L);
            Assert.AreEqual(-1L, g.GetValue());
            Assert.AreEqual(Mutability.Var, g.Mutability);
            Assert.Throws<ArgumentException>(() => g.SetValue("x"));
            var c = i.GetGlobal("c");
            Assert.AreEqual(1.5f, c.GetValue());
            Assert.Throws<PetrelException>(() => c.SetValue(2f));
            var typed = g.Wrap<long>();
            typed.SetValue(42);
            Assert.AreEqual(42L, typed.GetValue());
            Assert.AreEqual(1.5f, c.Wrap<float>().GetValue());
            Assert.Throws<PetrelException>(() => g.Wrap<int>());
            var own = new Global(store, ValKind.I32, 5, Mutability.Const);
            Assert.AreEqual(5, own.GetValue());
            var ext = new Table(store, ValKind.Externref, "x", 2);
            Assert.AreEqual("x", ext.GetElement(1));
        }

        [Test]
        public void Exports_AreListedInOrder()
        {
            var i = Instantiate("(module (func (export \"a\")) (memory (export \"b\") 1))");
            var ex = i.GetExports();
            Assert.AreEqual("a", ex[0].Key);
            Assert.IsInstanceOf<Function>(ex[0].Value);
            Assert.IsInstanceOf<Memory>(ex[1].Value);
            Assert.IsNull(i.GetMemory("a"));
        }
    }

    [TestFixture]
    public class HostFunctionTests
    {
        [Test]
        public void HostException_ComesBackOutOfTheWasmCallAsItself()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (import \"host\" \"boom\" (func)) (func (export \"run\") (call 0)))"))
            {
                var thrown = new CustomException("boom");
                var boom = Function.FromCallback(store, () => { throw thrown; });
                var run = new Instance(store, module, boom).GetAction("run");
                var e = Assert.Throws<CustomException>(() => run());
                Assert.AreSame(thrown, e);
                StringAssert.Contains("HostFunctionTests", e.StackTrace);
                Assert.AreEqual(0, Interop.PendingExceptions.Count);
            }
        }

        [Test]
        public void HostFunctions_TypedUntypedAndWithCaller()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine, "data"))
            using (var linker = new Linker(engine))
            using (var module = Module.FromText(engine, "m", "(module (import \"h\" \"add\" (func $add (param i32 i32) (result i32))) (import \"h\" \"mem\" (func $mem (param i32) (result i32))) (import \"h\" \"u\" (func $u (param i64) (result i64 i64))) (memory (export \"memory\") 1) (data (i32.const 5) \"\\2a\") (func (export \"run\") (result i32) i32.const 2 i32.const 3 call $add i32.const 5 call $mem i32.add) (func (export \"pair\") (param i64) (result i64 i64) local.get 0 call $u))"))
            {
                linker.DefineFunction("h", "add", (int a, int b) => a + b);
                object seen = null;
                linker.DefineFunction("h", "mem", (Caller c, int addr) =>
                {
                    seen = c.GetData();
                    Assert.IsNull(c.GetFunction("nope"));
                    return (int)c.GetMemory("memory").ReadByte(addr);
                });
                linker.DefineFunction("h", "u", (caller, args, results) => { results[0] = (long)args[0] + 1; results[1] = (long)args[0] - 1; }, new[] { ValKind.I64 }, new[] { ValKind.I64, ValKind.I64 });
                var i = linker.Instantiate(store, module);
                Assert.AreEqual(5 + 42, i.GetFunction<int>("run")());
                Assert.AreEqual("data", seen);
                var pair = (object[])i.GetFunction("pair").Invoke(10L);
                Assert.AreEqual(11L, pair[0]);
                Assert.AreEqual(9L, pair[1]);
                Assert.IsNotNull(linker.GetFunction(store, "h", "add"));
                Assert.IsNull(linker.Get(store, "h", "nope"));
            }
        }

        [Test]
        public void Caller_IsInvalidAfterTheCall()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            {
                Caller kept = null;
                var f = Function.FromCallback(store, (Caller c) => { kept = c; });
                f.Invoke();
                Assert.Throws<InvalidOperationException>(() => kept.GetMemory("memory"));
            }
        }

        [Test]
        public void Delegates_StayAliveAcrossGarbageCollections_AndAreReleasedWithTheStore()
        {
            Settle();
            var before = HostFunc.Registry.Count;
            var handles = Interop.HandedOver;
            using (var engine = new Engine())
            using (var linker = new Linker(engine))
            using (var module = Module.FromText(engine, "m", "(module (import \"h\" \"f\" (func (param i32) (result i32))) (func (export \"run\") (param i32) (result i32) local.get 0 call 0))"))
            {
                var counter = 0;
                linker.DefineFunction("h", "f", (int x) => { counter++; return x * 2; });
                for (var round = 0; round < 3; round++)
                {
                    var store = new Store(engine);
                    var run = linker.Instantiate(store, module).GetFunction<int, int>("run");
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    for (var k = 0; k < 100; k++)
                    {
                        Assert.AreEqual(2 * k, run(k));
                    }
                    store.Dispose();
                }
                Assert.AreEqual(300, counter);
                Assert.Greater(HostFunc.Registry.Count, before);
                var s2 = new Store(engine);
                new Global(s2, ValKind.Externref, new object(), Mutability.Var);
                new Table(s2, ValKind.Externref, "x", 3);
                Assert.AreEqual(handles + 3, Interop.HandedOver);
                s2.Dispose();
            }
            Assert.AreEqual(before, HostFunc.Registry.Count);
            Assert.AreEqual(handles, Interop.HandedOver);
        }

        [Test]
        public void HostCalls_SurviveConcurrentGarbageCollections()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var linker = new Linker(engine))
            using (var module = Module.FromText(engine, "m", "(module (import \"h\" \"f\" (func $f (param i32 externref) (result externref))) (func (export \"run\") (param i32 externref) (result externref) local.get 0 local.get 1 call $f))"))
            {
                linker.DefineFunction("h", "f", (Caller c, int n, object o) => (object)(n.ToString() + o));
                var run = linker.Instantiate(store, module).GetFunction<int, object, object>("run");
                var stop = false;
                var collector = new Thread(() =>
                {
                    while (!Volatile.Read(ref stop))
                    {
                        GC.Collect();
                    }
                });
                collector.Start();
                try
                {
                    for (var k = 0; k < 2000; k++)
                    {
                        Assert.AreEqual(k + "x", run(k, "x"));
                    }
                }
                finally
                {
                    Volatile.Write(ref stop, true);
                    collector.Join();
                }
            }
        }

        /// <summary>Runs pending finalizers (of other tests' garbage) so counters stay still.</summary>
        private static void Settle()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        [Test]
        public void UndisposedObjects_AreFreedByFinalizers()
        {
            var before = HostFunc.Registry.Count;
            MakeGarbage();
            for (var k = 0; k < 5 && HostFunc.Registry.Count != before; k++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.AreEqual(before, HostFunc.Registry.Count);
        }

        private static void MakeGarbage()
        {
            var engine = new Engine();
            for (var k = 0; k < 20; k++)
            {
                var store = new Store(engine);
                var f = Function.FromCallback(store, (int x) => x);
                Assert.AreEqual(3, f.WrapFunc<int, int>()(3));
                new Linker(engine).DefineFunction("a", "b", () => { });
                Module.FromText(engine, "m", "(module)");
            }
        }

        [Test]
        public void Store_UsedFromAnotherThreadDuringACall_Throws()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (import \"h\" \"f\" (func)) (func (export \"run\") (call 0)) (func (export \"one\") (result i32) i32.const 1))"))
            {
                Settle();
                var handles = Interop.HandedOver - 1;
                Exception other = null;
                Exception otherRef = null;
                Exception otherFunc = null;
                var registered = HostFunc.Registry.Count;
                Instance inst = null;
                var f = Function.FromCallback(store, () =>
                {
                    var t = new Thread(() =>
                    {
                        try
                        {
                            inst.GetFunction<int>("one")();
                        }
                        catch (Exception e)
                        {
                            other = e;
                        }
                        try
                        {
                            // An externref made for a busy store: the runtime frees the
                            // GCHandle it was given (the binding must not free it again).
                            new Global(store, ValKind.Externref, "x", Mutability.Var);
                        }
                        catch (Exception e)
                        {
                            otherRef = e;
                        }
                        try
                        {
                            // A host function made in a busy store: the runtime releases
                            // its registry slot through the finalizer.
                            Function.FromCallback(store, () => { });
                        }
                        catch (Exception e)
                        {
                            otherFunc = e;
                        }
                    });
                    t.Start();
                    t.Join();
                });
                inst = new Instance(store, module, f);
                inst.GetAction("run")();
                Assert.IsInstanceOf<PetrelException>(other);
                StringAssert.Contains("another thread", other.Message);
                Assert.IsInstanceOf<PetrelException>(otherRef);
                StringAssert.Contains("another thread", otherRef.Message);
                Assert.AreEqual(handles + 1, Interop.HandedOver, "the store's own handle only");
                Assert.IsInstanceOf<PetrelException>(otherFunc);
                Assert.AreEqual(registered + 1, HostFunc.Registry.Count, "the callback f only");
                Assert.AreEqual(1, inst.GetFunction<int>("one")());
            }
        }

        [Test]
        public void Store_DisposeFromItsOwnHostFunction_IsRefused()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            {
                Exception refused = null;
                var f = Function.FromCallback(store, () =>
                {
                    try
                    {
                        store.Dispose();
                    }
                    catch (PetrelException e)
                    {
                        refused = e;
                    }
                });
                f.Invoke();
                Assert.IsNotNull(refused);
                f.Invoke();
            }
        }
    }

    [TestFixture]
    public class MisuseTests
    {
        private const string Wat = "(module (func (export \"id\") (param funcref) (result funcref) local.get 0) (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) (memory (export \"mem\") 1))";

        [Test]
        public void DisposedStore_ThrowsObjectDisposedException()
        {
            using (var engine = new Engine())
            using (var module = Module.FromText(engine, "m", Wat))
            {
                var store = new Store(engine);
                var i = new Instance(store, module);
                var add = i.GetFunction<int, int, int>("add");
                var addU = i.GetFunction("add");
                var mem = i.GetMemory("mem");
                store.Dispose();
                store.Dispose();
                Assert.Throws<ObjectDisposedException>(() => add(1, 2));
                Assert.Throws<ObjectDisposedException>(() => addU.Invoke(1, 2));
                Assert.Throws<ObjectDisposedException>(() => mem.ReadByte(0));
                Assert.Throws<ObjectDisposedException>(() => i.GetFunction("add"));
                Assert.Throws<ObjectDisposedException>(() => new Instance(store, module));
                Assert.Throws<ObjectDisposedException>(() => { var f = store.Fuel; });
            }
        }

        [Test]
        public void ItemsOfAnotherStore_AreRefused()
        {
            using (var engine = new Engine())
            using (var module = Module.FromText(engine, "m", Wat))
            using (var a = new Store(engine))
            using (var b = new Store(engine))
            using (var linker = new Linker(engine))
            using (var importer = Module.FromText(engine, "imp", "(module (import \"x\" \"add\" (func (param i32 i32) (result i32))))"))
            {
                var ia = new Instance(a, module);
                var ib = new Instance(b, module);
                var e = Assert.Throws<PetrelException>(() => ib.GetFunction("id").Invoke(ia.GetFunction("add")));
                StringAssert.Contains("store", e.Message);
                Assert.Throws<PetrelException>(() => new Instance(b, importer, ia.GetFunction("add")));
                linker.Define("x", "add", ia.GetFunction("add"));
                Assert.Throws<PetrelException>(() => linker.Instantiate(b, importer));
                Assert.Throws<PetrelException>(() => ia.GetFunction("add").Rebind(b).Invoke(1, 2));
                Assert.Throws<PetrelException>(() => ia.GetMemory("mem").Rebind(b).GetSize());
                Assert.Throws<ArgumentException>(() => new Instance(b, importer, "not an item"));
            }
        }

        [Test]
        public void DisposeRacingWithUseOnAnotherThread_ThrowsButNeverCrashes()
        {
            for (var round = 0; round < 10; round++)
            {
                var engine = new Engine();
                var module = Module.FromText(engine, "m", Wat);
                var store = new Store(engine);
                var add = new Instance(store, module).GetFunction<int, int, int>("add");
                Exception unexpected = null;
                var user = new Thread(() =>
                {
                    for (var k = 0; k < 100000; k++)
                    {
                        try
                        {
                            engine.IncrementEpoch();
                            Module.Validate(engine, new byte[] { 0, 97, 115, 109, 1, 0, 0, 0 });
                            module.Serialize();
                            add(k, 1);
                        }
                        catch (ObjectDisposedException)
                        {
                            return;
                        }
                        catch (PetrelException e)
                        {
                            // Closed, or still being closed by the other thread
                            // (close holds the store for an instant): both are
                            // the clean errors the race may give.
                            if (!e.Message.Contains("store is closed") && !e.Message.Contains("in use by another thread"))
                            {
                                unexpected = e;
                            }
                            return;
                        }
                        catch (Exception e)
                        {
                            unexpected = e;
                            return;
                        }
                    }
                });
                user.Start();
                Thread.Sleep(round);
                while (true)
                {
                    try
                    {
                        store.Dispose();
                        break;
                    }
                    catch (PetrelException e)
                    {
                        StringAssert.Contains("in use", e.Message);
                    }
                }
                module.Dispose();
                engine.Dispose();
                user.Join();
                Assert.IsNull(unexpected);
            }
        }

        [Test]
        public void TenThousandTraps_InARow()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (func (export \"t\") unreachable))"))
            {
                var t = new Instance(store, module).GetAction("t");
                for (var k = 0; k < 10000; k++)
                {
                    Assert.Throws<TrapException>(() => t());
                }
            }
        }
    }

    /// <summary>
    /// Mono turns SIGSEGV in managed code into NullReferenceException, and Petrel
    /// turns faults in JIT code into traps: the two handlers must chain.
    /// </summary>
    [TestFixture]
    public class SignalTests
    {
        private sealed class Holder
        {
            public int Value = 1;
        }

        private static int Deref(Holder h) => h.Value;

        [Test]
        public void TrapsAndNullReferences_InterleaveInOneProcess()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (import \"h\" \"npe\" (func)) (memory 1) (func (export \"trap\") unreachable) (func $rec (export \"recurse\") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec) (func (export \"oob\") (result i32) i32.const 70000 i32.load) (func (export \"far\") (result i32) i32.const -1 i32.load) (func (export \"npe\") (call 0)))"))
            {
                var npe = Function.FromCallback(store, () => { Deref(null); });
                var i = new Instance(store, module, npe);
                var trap = i.GetAction("trap");
                for (var round = 0; round < 3; round++)
                {
                    Assert.AreEqual(TrapCode.Unreachable, Assert.Throws<TrapException>(() => trap()).Type);
                    Assert.Throws<NullReferenceException>(() => Deref(null));
                    Assert.AreEqual(TrapCode.Unreachable, Assert.Throws<TrapException>(() => trap()).Type);
                    Assert.AreEqual(TrapCode.StackOverflow, Assert.Throws<TrapException>(() => i.GetFunction<int, int>("recurse")(0)).Type);
                    Assert.AreEqual(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => i.GetFunction<int>("oob")()).Type);
                    Assert.AreEqual(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => i.GetFunction<int>("far")()).Type);
                    Assert.Throws<NullReferenceException>(() => i.GetAction("npe")());
                    Assert.Throws<NullReferenceException>(() => Deref(null));
                }
            }
        }
    }

    [TestFixture]
    public class LimitsTests
    {
        [Test]
        public void Fuel_RunsOutWithATrap()
        {
            using (var config = new Config().WithFuelConsumption(true))
            using (var engine = new Engine(config))
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (func (export \"spin\") (loop br 0)))"))
            {
                store.Fuel = 10000;
                Assert.AreEqual(10000UL, store.Fuel);
                var e = Assert.Throws<TrapException>(() => new Instance(store, module).GetAction("spin")());
                Assert.AreEqual(TrapCode.OutOfFuel, e.Type);
            }
            using (var engine = new Engine())
            using (var store = new Store(engine))
            {
                Assert.Throws<PetrelException>(() => store.Fuel = 1);
            }
        }

        [Test]
        public void EpochDeadline_InterruptsFromAnotherThread()
        {
            using (var config = new Config().WithEpochInterruption(true))
            using (var engine = new Engine(config))
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (func (export \"spin\") (loop br 0)))"))
            {
                store.SetEpochDeadline(1);
                var spin = new Instance(store, module).GetAction("spin");
                var ticker = new Thread(() => { Thread.Sleep(50); engine.IncrementEpoch(); });
                ticker.Start();
                var e = Assert.Throws<TrapException>(() => spin());
                ticker.Join();
                Assert.AreEqual(TrapCode.Interrupt, e.Type);
            }
        }

        [Test]
        public void Limits_CapMemoryAndInstances()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var module = Module.FromText(engine, "m", "(module (memory (export \"mem\") 1) (func (export \"grow\") (result i32) i32.const 1 memory.grow))"))
            {
                store.SetLimits(memorySize: 65536, instances: 1);
                var i = new Instance(store, module);
                Assert.AreEqual(-1, i.GetFunction<int>("grow")());
                Assert.Throws<PetrelException>(() => i.GetMemory("mem").Grow(1));
                Assert.Throws<PetrelException>(() => new Instance(store, module));
            }
        }
    }

    [TestFixture]
    public class WasiTests
    {
        // A WASI command: prints its first argument's length... kept simple:
        // writes "hi " + the value of env var X to stdout, "err" to stderr, exits 3.
        private const string Program = @"(module
  (import ""wasi_snapshot_preview1"" ""fd_write"" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import ""wasi_snapshot_preview1"" ""proc_exit"" (func $exit (param i32)))
  (memory (export ""memory"") 1)
  (data (i32.const 100) ""hello\n"")
  (data (i32.const 200) ""oops"")
  (func (export ""_start"")
    (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))
    (i32.store (i32.const 0) (i32.const 200)) (i32.store (i32.const 4) (i32.const 4))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 20)))
    (call $exit (i32.const 3))))";

        [Test]
        public void Wasi_CapturesOutputAndExitCode()
        {
            using (var engine = new Engine())
            using (var store = new Store(engine))
            using (var linker = new Linker(engine))
            using (var module = Module.FromText(engine, "prog", Program))
            {
                linker.DefineWasi();
                store.SetWasiConfiguration(new WasiConfiguration()
                    .WithArgs("prog", "a")
                    .WithEnvironmentVariable("X", "1")
                    .WithEnvironmentVariables(new[] { ("Y", "2") })
                    .WithEnvironmentVariables(new[] { new KeyValuePair<string, string>("Z", "3") })
                    .WithStandardInputBytes(new byte[] { 1 })
                    .WithCapturedStandardOutput()
                    .WithCapturedStandardError());
                var start = linker.Instantiate(store, module).GetAction("_start");
                var e = Assert.Throws<ExitException>(() => start());
                Assert.AreEqual(3, e.ExitCode);
                Assert.AreEqual("hello\n", store.GetCapturedStandardOutputText());
                Assert.AreEqual("oops", store.GetCapturedStandardErrorText());
            }
        }

        [Test]
        public void Wasi_FilesDirectoriesAndErrors()
        {
            var dir = Path.Combine(Path.GetTempPath(), "petrel-dotnet-wasi-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                var input = Path.Combine(dir, "in.txt");
                File.WriteAllText(input, "x");
                using (var engine = new Engine())
                using (var store = new Store(engine))
                using (var linker = new Linker(engine))
                using (var module = Module.FromText(engine, "prog", Program))
                {
                    linker.DefineWasi();
                    store.SetWasiConfiguration(new WasiConfiguration()
                        .WithInheritedArgs().WithInheritedEnvironment()
                        .WithStandardInput(input)
                        .WithStandardOutput(Path.Combine(dir, "out.txt"))
                        .WithStandardError(Path.Combine(dir, "err.txt"))
                        .WithPreopenedDirectory(dir, "/data"));
                    Assert.Throws<ExitException>(() => linker.Instantiate(store, module).GetAction("_start")());
                    Assert.Throws<PetrelException>(() => store.GetCapturedStandardOutput());
                }
                Assert.AreEqual("hello\n", File.ReadAllText(Path.Combine(dir, "out.txt")));
                Assert.AreEqual("oops", File.ReadAllText(Path.Combine(dir, "err.txt")));
                using (var engine = new Engine())
                using (var store = new Store(engine))
                {
                    Assert.Throws<PetrelException>(() => store.SetWasiConfiguration(new WasiConfiguration().WithPreopenedDirectory(Path.Combine(dir, "missing"), "/x")));
                    store.SetWasiConfiguration(new WasiConfiguration().WithInheritedStandardInput().WithInheritedStandardOutput().WithInheritedStandardError());
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }

    /// <summary>
    /// Fails when a C function of header-gen/api.json is neither called by the
    /// idiomatic layer (src/*.cs except the generated Native.g.cs) nor listed in
    /// bindings-dotnet/api-skip.txt with a reason, or when a listed one is used.
    /// </summary>
    [TestFixture]
    public class ManifestTests
    {
        [Test]
        public void EveryCFunction_IsWrappedOrSkippedWithAReason()
        {
            var root = Repo.Root;
            var api = (Dictionary<string, object>)MiniJson.Parse(File.ReadAllText(Path.Combine(root, "header-gen", "api.json")));
            var src = new StringBuilder();
            foreach (var f in Directory.GetFiles(Path.Combine(root, "bindings-dotnet", "src"), "*.cs"))
            {
                if (!f.EndsWith("Native.g.cs"))
                {
                    src.Append(File.ReadAllText(f));
                }
            }
            // Code only: a name in a comment is not a use.
            var code = System.Text.RegularExpressions.Regex.Replace(src.ToString(), "//[^\n]*", "");
            var skip = new Dictionary<string, string>();
            foreach (var raw in File.ReadAllLines(Path.Combine(root, "bindings-dotnet", "api-skip.txt")))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("#"))
                {
                    continue;
                }
                var sp = line.IndexOf(' ');
                Assert.Greater(sp, 0, "api-skip.txt: `" + line + "` has no reason");
                skip[line.Substring(0, sp)] = line.Substring(sp).Trim();
            }
            // A destructor is wrapped when the layer uses the generated SafeHandle
            // that calls it (Native.g.cs: Safe{Object}Handle).
            var destructors = new HashSet<string>();
            foreach (Dictionary<string, object> o in (List<object>)api["objects"])
            {
                var d = o.ContainsKey("deleted_by") ? (string)o["deleted_by"] : null;
                var safe = "Safe" + string.Concat(((string)o["name"]).Split('_').Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1))) + "Handle";
                if (d != null && System.Text.RegularExpressions.Regex.IsMatch(code, "\\b" + safe + "\\b"))
                {
                    destructors.Add(d);
                }
            }
            var problems = new List<string>();
            var names = new HashSet<string>();
            foreach (Dictionary<string, object> f in (List<object>)api["functions"])
            {
                var name = (string)f["name"];
                names.Add(name);
                var g = (Dictionary<string, object>)f["group"];
                var obj = (string)g["object"];
                var label = (obj.Length > 0 ? obj : "(free functions)") + ": " + g["verb"] + " (" + name + ")";
                var used = destructors.Contains(name) || System.Text.RegularExpressions.Regex.IsMatch(code, "\\b" + name + "\\b");
                if (!used && !skip.ContainsKey(name))
                {
                    problems.Add(label + " is not wrapped");
                }
                if (used && skip.ContainsKey(name))
                {
                    problems.Add(label + " is wrapped but listed in api-skip.txt");
                }
            }
            foreach (var s in skip.Keys.Where(s => !names.Contains(s)))
            {
                problems.Add(s + " is listed in api-skip.txt but not in the C API");
            }
            // Sorted, so the report reads per object ("memory: grow (petrel_memory_grow) is not wrapped").
            problems.Sort(StringComparer.Ordinal);
            Assert.IsEmpty(problems, string.Join("\n", problems));
        }
    }
}

namespace Petrel.Tests
{
    /// <summary>
    /// The records of Native.g.cs, as the .NET runtime lays them out, have the
    /// sizes and field offsets of header-gen/api.json (which a header-gen test
    /// checks against the C compiler).
    /// </summary>
    [TestFixture]
    public class LayoutTests
    {
        [Test]
        public void Records_MatchTheIrLayouts()
        {
            var api = (Dictionary<string, object>)MiniJson.Parse(File.ReadAllText(Path.Combine(Repo.Root, "header-gen", "api.json")));
            var asm = typeof(Engine).Assembly;
            var checkedRecords = 0;
            foreach (Dictionary<string, object> r in (List<object>)api["records"])
            {
                var name = (string)r["name"];
                var t = asm.GetType("Petrel.Native." + name, true);
                Assert.AreEqual(int.Parse(r["size"].ToString()), System.Runtime.InteropServices.Marshal.SizeOf(t), name + " size");
                foreach (Dictionary<string, object> f in (List<object>)r["fields"])
                {
                    var field = (string)f["name"];
                    Assert.AreEqual(int.Parse(f["offset"].ToString()), (int)System.Runtime.InteropServices.Marshal.OffsetOf(t, field), name + "." + field);
                }
                checkedRecords++;
            }
            Assert.Greater(checkedRecords, 10);
        }
    }
}
