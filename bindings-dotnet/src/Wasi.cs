using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Petrel.Native;

namespace Petrel
{
    /// <summary>
    /// The configuration of a WASI program: arguments, environment, standard
    /// streams and preopened directories, set fluently and applied with
    /// <see cref="Store.SetWasiConfiguration"/>. Defaults: no arguments, no
    /// environment, empty standard input, output discarded, no directories.
    /// Beyond wasmtime-dotnet: standard output and error can be captured in
    /// memory (<see cref="WithCapturedStandardOutput"/>), standard input given as bytes.
    /// </summary>
    public sealed unsafe class WasiConfiguration
    {
        // Arguments and environment are collected here; every other choice is a
        // step applied to the native configuration in order (a later choice for
        // the same stream replaces an earlier one, as in the C API). Build runs
        // them for each store the configuration is given to.
        private readonly List<string> args = new List<string>();
        private readonly List<KeyValuePair<string, string>> env = new List<KeyValuePair<string, string>>();
        private readonly List<Func<IntPtr, IntPtr>> steps = new List<Func<IntPtr, IntPtr>>();
        private bool inheritArgs;
        private bool inheritEnv;

        private WasiConfiguration Add(Func<IntPtr, IntPtr> step)
        {
            steps.Add(step);
            return this;
        }

        /// <summary>Adds an argument (the first is conventionally the program's name).</summary>
        public WasiConfiguration WithArg(string arg)
        {
            args.Add(arg ?? throw new ArgumentNullException(nameof(arg)));
            inheritArgs = false;
            return this;
        }

        /// <summary>Adds arguments.</summary>
        public WasiConfiguration WithArgs(params string[] values)
        {
            foreach (var a in values)
            {
                WithArg(a);
            }
            return this;
        }

        /// <summary>Gives the program the host process's own arguments.</summary>
        public WasiConfiguration WithInheritedArgs()
        {
            args.Clear();
            inheritArgs = true;
            return this;
        }

        /// <summary>Adds an environment variable.</summary>
        public WasiConfiguration WithEnvironmentVariable(string name, string value)
        {
            env.Add(new KeyValuePair<string, string>(name ?? throw new ArgumentNullException(nameof(name)), value ?? throw new ArgumentNullException(nameof(value))));
            inheritEnv = false;
            return this;
        }

        /// <summary>Adds environment variables.</summary>
        public WasiConfiguration WithEnvironmentVariables(IEnumerable<KeyValuePair<string, string>> variables)
        {
            foreach (var kv in variables)
            {
                WithEnvironmentVariable(kv.Key, kv.Value);
            }
            return this;
        }

        /// <summary>Adds environment variables given as (name, value) pairs, as in wasmtime-dotnet.</summary>
        public WasiConfiguration WithEnvironmentVariables(IEnumerable<(string, string)> variables)
        {
            foreach (var kv in variables)
            {
                WithEnvironmentVariable(kv.Item1, kv.Item2);
            }
            return this;
        }

        /// <summary>Gives the program the host process's environment.</summary>
        public WasiConfiguration WithInheritedEnvironment()
        {
            env.Clear();
            inheritEnv = true;
            return this;
        }

        /// <summary>Standard input reads the host file <paramref name="path"/>.</summary>
        public WasiConfiguration WithStandardInput(string path) =>
            Add(c => Call(path, p => NativeMethods.petrel_wasi_config_set_stdin_file(c, p)));

        /// <summary>Standard input yields <paramref name="bytes"/>, then end of file.</summary>
        public WasiConfiguration WithStandardInputBytes(byte[] bytes)
        {
            var copy = (byte[])(bytes ?? throw new ArgumentNullException(nameof(bytes))).Clone();
            return Add(c =>
            {
                fixed (byte* p = copy)
                {
                    return NativeMethods.petrel_wasi_config_set_stdin_bytes(c, p, (UIntPtr)copy.Length);
                }
            });
        }

        /// <summary>Standard input reads the host process's standard input.</summary>
        public WasiConfiguration WithInheritedStandardInput() => Add(NativeMethods.petrel_wasi_config_inherit_stdin);

        /// <summary>Standard output goes to the host file <paramref name="path"/> (created or truncated).</summary>
        public WasiConfiguration WithStandardOutput(string path) =>
            Add(c => Call(path, p => NativeMethods.petrel_wasi_config_set_stdout_file(c, p)));

        /// <summary>Standard output goes to the host process's standard output.</summary>
        public WasiConfiguration WithInheritedStandardOutput() => Add(NativeMethods.petrel_wasi_config_inherit_stdout);

        /// <summary>Standard output is captured in memory (at most <paramref name="capacity"/> bytes); read it with <see cref="Store.GetCapturedStandardOutput"/>.</summary>
        public WasiConfiguration WithCapturedStandardOutput(int capacity = 1 << 20) =>
            Add(c => NativeMethods.petrel_wasi_config_set_stdout_capture(c, (UIntPtr)(ulong)capacity));

        /// <summary>Standard error goes to the host file <paramref name="path"/> (created or truncated).</summary>
        public WasiConfiguration WithStandardError(string path) =>
            Add(c => Call(path, p => NativeMethods.petrel_wasi_config_set_stderr_file(c, p)));

        /// <summary>Standard error goes to the host process's standard error.</summary>
        public WasiConfiguration WithInheritedStandardError() => Add(NativeMethods.petrel_wasi_config_inherit_stderr);

        /// <summary>Standard error is captured in memory (at most <paramref name="capacity"/> bytes); read it with <see cref="Store.GetCapturedStandardError"/>.</summary>
        public WasiConfiguration WithCapturedStandardError(int capacity = 1 << 20) =>
            Add(c => NativeMethods.petrel_wasi_config_set_stderr_capture(c, (UIntPtr)(ulong)capacity));

        /// <summary>Gives the program the host directory <paramref name="path"/> as <paramref name="guestPath"/>; paths opened through it cannot leave it.</summary>
        public WasiConfiguration WithPreopenedDirectory(string path, string guestPath)
        {
            var h = Interop.Utf8Z(path);
            var g = Interop.Utf8Z(guestPath);
            return Add(c =>
            {
                fixed (byte* hp = h)
                fixed (byte* gp = g)
                {
                    return NativeMethods.petrel_wasi_config_preopen_dir(c, hp, gp);
                }
            });
        }

        private delegate IntPtr PathCall(byte* path);

        private static IntPtr Call(string path, PathCall f)
        {
            var b = Interop.Utf8Z(path);
            fixed (byte* p = b)
            {
                return f(p);
            }
        }

        private static IntPtr[] Pin(IList<string> list, List<GCHandle> pins)
        {
            var ptrs = new IntPtr[list == null ? 0 : list.Count];
            for (var i = 0; i < ptrs.Length; i++)
            {
                var h = GCHandle.Alloc(Interop.Utf8Z(list[i]), GCHandleType.Pinned);
                pins.Add(h);
                ptrs[i] = h.AddrOfPinnedObject();
            }
            return ptrs;
        }

        private static IntPtr Strings(IList<string> a, IList<string> b, Func<IntPtr, IntPtr, IntPtr> f)
        {
            var pins = new List<GCHandle>();
            try
            {
                var pa = Pin(a, pins);
                var pb = Pin(b, pins);
                fixed (IntPtr* x = pa)
                fixed (IntPtr* y = pb)
                {
                    return f((IntPtr)x, (IntPtr)y);
                }
            }
            finally
            {
                foreach (var h in pins)
                {
                    h.Free();
                }
            }
        }

        /// <summary>A native configuration with every choice applied (the caller owns it).</summary>
        internal IntPtr Build()
        {
            IntPtr c;
            Interop.Check(NativeMethods.petrel_wasi_config_new(out c));
            try
            {
                if (inheritArgs)
                {
                    Interop.Check(NativeMethods.petrel_wasi_config_inherit_argv(c));
                }
                else if (args.Count > 0)
                {
                    Interop.Check(Strings(args, null, (x, _) => NativeMethods.petrel_wasi_config_set_argv(c, (byte**)x, (UIntPtr)args.Count)));
                }
                if (inheritEnv)
                {
                    Interop.Check(NativeMethods.petrel_wasi_config_inherit_env(c));
                }
                else if (env.Count > 0)
                {
                    var names = new List<string>();
                    var values = new List<string>();
                    foreach (var kv in env)
                    {
                        names.Add(kv.Key);
                        values.Add(kv.Value);
                    }
                    Interop.Check(Strings(names, values, (x, y) => NativeMethods.petrel_wasi_config_set_env(c, (byte**)x, (byte**)y, (UIntPtr)names.Count)));
                }
                foreach (var step in steps)
                {
                    Interop.Check(step(c));
                }
                return c;
            }
            catch
            {
                NativeMethods.petrel_wasi_config_delete(c);
                throw;
            }
        }
    }
}
