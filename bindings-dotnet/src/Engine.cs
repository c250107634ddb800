using System;
using System.Collections.Generic;
using System.IO;
using Petrel.Native;

namespace Petrel
{
    /// <summary>
    /// Engine settings, set fluently (<c>new Config().WithFuelConsumption(true)</c>)
    /// and copied by <see cref="Engine"/>.
    /// </summary>
    public sealed class Config : IDisposable
    {
        private readonly SafeConfigHandle handle;

        /// <summary>The defaults: WebAssembly 2.0, optimised for speed, no fuel, no epochs.</summary>
        public Config()
        {
            IntPtr p;
            Interop.Check(NativeMethods.petrel_config_new(out p));
            handle = new SafeConfigHandle(p);
        }

        internal Lease Use() => new Lease(handle, nameof(Config));

        private Config Set(Func<IntPtr, IntPtr> setter)
        {
            using (var l = Use())
            {
                Interop.Check(setter(l.Ptr));
            }
            return this;
        }

        /// <summary>Enables or disables 128-bit SIMD (on by default).</summary>
        public Config WithSIMD(bool enable) => Set(c => NativeMethods.petrel_config_wasm_simd(c, enable));

        /// <summary>Enables or disables reference types (on by default).</summary>
        public Config WithReferenceTypes(bool enable) => Set(c => NativeMethods.petrel_config_wasm_reference_types(c, enable));

        /// <summary>Enables or disables bulk memory operations (on by default).</summary>
        public Config WithBulkMemory(bool enable) => Set(c => NativeMethods.petrel_config_wasm_bulk_memory(c, enable));

        /// <summary>Enables or disables multi-value (on by default).</summary>
        public Config WithMultiValue(bool enable) => Set(c => NativeMethods.petrel_config_wasm_multi_value(c, enable));

        /// <summary>Enables or disables the sign-extension operators (on by default).</summary>
        public Config WithSignExtension(bool enable) => Set(c => NativeMethods.petrel_config_wasm_sign_extension(c, enable));

        /// <summary>Enables or disables non-trapping float-to-int conversions (on by default).</summary>
        public Config WithSaturatingFloatToInt(bool enable) =>
            Set(c => NativeMethods.petrel_config_wasm_saturating_float_to_int(c, enable));

        /// <summary>Enables or disables extended constant expressions: add, sub and mul in initialisers (on by default).</summary>
        public Config WithExtendedConst(bool enable) => Set(c => NativeMethods.petrel_config_wasm_extended_const(c, enable));

        /// <summary>Enables or disables <c>i64.add128</c>, <c>i64.sub128</c> and <c>i64.mul_wide_s/u</c> (off by default).</summary>
        public Config WithWideArithmetic(bool enable) => Set(c => NativeMethods.petrel_config_wasm_wide_arithmetic(c, enable));

        /// <summary>Enables or disables relaxed SIMD, with one deterministic result per operator (on by default; needs SIMD).</summary>
        public Config WithRelaxedSimd(bool enable) => Set(c => NativeMethods.petrel_config_wasm_relaxed_simd(c, enable));

        /// <summary>Enables or disables <c>return_call</c> and <c>return_call_indirect</c> (on by default).</summary>
        public Config WithTailCall(bool enable) => Set(c => NativeMethods.petrel_config_wasm_tail_call(c, enable));

        /// <summary>Enables or disables several memories per module (on by default).</summary>
        public Config WithMultiMemory(bool enable) => Set(c => NativeMethods.petrel_config_wasm_multi_memory(c, enable));

        /// <summary>Enables or disables 64-bit memories and tables (on by default).</summary>
        public Config WithMemory64(bool enable) => Set(c => NativeMethods.petrel_config_wasm_memory64(c, enable));

        /// <summary>Enables or disables memories with one-byte pages (off by default).</summary>
        public Config WithCustomPageSizes(bool enable) => Set(c => NativeMethods.petrel_config_wasm_custom_page_sizes(c, enable));

        /// <summary>Makes wasm consume fuel (see <see cref="Store.Fuel"/>); running out traps with <see cref="TrapCode.OutOfFuel"/>.</summary>
        public Config WithFuelConsumption(bool enable) => Set(c => NativeMethods.petrel_config_consume_fuel(c, enable));

        /// <summary>Makes wasm check the engine's epoch against the store's deadline (see <see cref="Engine.IncrementEpoch"/>).</summary>
        public Config WithEpochInterruption(bool enable) => Set(c => NativeMethods.petrel_config_epoch_interruption(c, enable));

        /// <summary>Compiles a module's functions on several threads (on by default).</summary>
        public Config WithParallelCompilation(bool enable) =>
            Set(c => NativeMethods.petrel_config_parallel_compilation(c, enable));

        /// <summary>Reserves each memory's 4 GiB index space plus a guard region (on by default); off, every access is bounds-checked.</summary>
        public Config WithStaticMemoryGuard(bool enable) => Set(c => NativeMethods.petrel_config_static_memory_guard(c, enable));

        /// <summary>Sets Cranelift's optimisation level.</summary>
        public Config WithOptimizationLevel(OptLevel level) => Set(c => NativeMethods.petrel_config_opt_level(c, level));

        /// <summary>The most stack, in bytes, wasm may use in one call from the host; deeper recursion traps with <see cref="TrapCode.StackOverflow"/>.</summary>
        public Config WithMaximumStackSize(int bytes)
        {
            if (bytes <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(bytes));
            }
            return Set(c => NativeMethods.petrel_config_max_wasm_stack(c, (UIntPtr)(ulong)bytes));
        }

        /// <summary>
        /// Sets the 32-byte secret key that seals serialized modules (<see cref="Module.Serialize"/>)
        /// and authenticates them when they are loaded (<see cref="Module.Deserialize"/>). Engines
        /// with the same key load each other's serialized modules; without a key each engine draws a
        /// random one. Anyone who knows the key can make modules that will be loaded and run: keep
        /// it where only the embedder can read it.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="PetrelException">The key is not 32 bytes.</exception>
        public unsafe Config WithModuleKey(byte[] key)
        {
            if (key == null)
            {
                throw new ArgumentNullException(nameof(key));
            }
            using (var l = Use())
            {
                fixed (byte* k = key)
                {
                    Interop.Check(NativeMethods.petrel_config_module_key(l.Ptr, k, (UIntPtr)(ulong)key.Length));
                }
            }
            return this;
        }

        /// <summary>
        /// Draws a fresh random module key, sets it as <see cref="WithModuleKey"/> does, and returns
        /// it so that it can be stored for the engines of other processes.
        /// </summary>
        public byte[] GenerateModuleKey()
        {
            petrel_bytes_t b;
            using (var l = Use())
            {
                Interop.Check(NativeMethods.petrel_config_generate_module_key(l.Ptr, out b));
            }
            return Interop.TakeBytes(ref b);
        }

        /// <summary>Frees the configuration (engines made from it keep their copy).</summary>
        public void Dispose() => handle.Dispose();
    }

    /// <summary>
    /// Compiles modules and holds what they share. Thread-safe. Stores and
    /// modules keep what they need of it, so it may be disposed before them.
    /// </summary>
    public sealed class Engine : IDisposable
    {
        private readonly SafeEngineHandle handle;

        /// <summary>An engine with the default configuration.</summary>
        public Engine() : this(null) { }

        /// <summary>An engine with <paramref name="config"/> (copied: the caller still disposes it).</summary>
        public Engine(Config config)
        {
            IntPtr p;
            if (config == null)
            {
                Interop.Check(NativeMethods.petrel_engine_new(IntPtr.Zero, out p));
            }
            else
            {
                using (var c = config.Use())
                {
                    Interop.Check(NativeMethods.petrel_engine_new(c.Ptr, out p));
                }
            }
            handle = new SafeEngineHandle(p);
        }

        internal Lease Use() => new Lease(handle, nameof(Engine));

        /// <summary>Advances the epoch by one; stores whose deadline it reaches trap with <see cref="TrapCode.Interrupt"/>. Safe from any thread, also while wasm runs.</summary>
        public void IncrementEpoch()
        {
            using (var e = Use())
            {
                Interop.Check(NativeMethods.petrel_engine_increment_epoch(e.Ptr));
            }
        }

        /// <summary>Frees the engine. Modules and stores made with it keep working.</summary>
        public void Dispose() => handle.Dispose();
    }
}
