using System;
using System.Collections.Generic;

namespace Petrel
{
    /// <summary>
    /// An error from Petrel: a failed compilation, link, instantiation or call,
    /// or a misuse the C API refused (an item of another store, a closed store).
    /// The base of every exception the binding defines; code ported from
    /// wasmtime-dotnet catches this where it caught <c>WasmtimeException</c>.
    /// </summary>
    public class PetrelException : Exception
    {
        /// <summary>Creates an exception with a message.</summary>
        public PetrelException(string message) : base(message) { }

        /// <summary>Creates an exception with a message and the exception that caused it.</summary>
        public PetrelException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>One frame of a trap's wasm backtrace (innermost first).</summary>
    public sealed class TrapFrame
    {
        internal TrapFrame(uint functionIndex, string functionName, string moduleName, long? functionOffset)
        {
            FunctionIndex = functionIndex;
            FunctionName = functionName;
            ModuleName = moduleName;
            FunctionOffset = functionOffset;
        }

        /// <summary>The function's index in its module.</summary>
        public uint FunctionIndex { get; }

        /// <summary>The function's name from the name section, or null.</summary>
        public string FunctionName { get; }

        /// <summary>The module's name from the name section, or null.</summary>
        public string ModuleName { get; }

        /// <summary>Offset of the wasm instruction from the start of the function's body in the module (as in Wasmtime), when known.</summary>
        public long? FunctionOffset { get; }

        /// <inheritdoc/>
        public override string ToString() =>
            (ModuleName ?? "<module>") + "!" + (FunctionName ?? ("<wasm function " + FunctionIndex + ">"));
    }

    /// <summary>
    /// Wasm trapped (unreachable, out-of-bounds access, division by zero, stack
    /// overflow, out of fuel, interrupted, ...). <see cref="Type"/> says why and
    /// <see cref="Frames"/> where.
    /// </summary>
    public class TrapException : PetrelException
    {
        /// <summary>
        /// Creates a trap. Thrown from a host function it ends the wasm call that
        /// reached the host function and comes back out of that call as itself.
        /// </summary>
        public TrapException(string message, TrapCode type)
            : this(message, type, new List<TrapFrame>()) { }

        internal TrapException(string message, TrapCode type, IReadOnlyList<TrapFrame> frames) : base(message)
        {
            Type = type;
            Frames = frames;
        }

        /// <summary>Why wasm trapped.</summary>
        public TrapCode Type { get; }

        /// <summary>The wasm backtrace, innermost frame first.</summary>
        public IReadOnlyList<TrapFrame> Frames { get; }
    }

    /// <summary>A WASI program called <c>proc_exit</c>: not a trap; <see cref="ExitCode"/> is its status.</summary>
    public class ExitException : PetrelException
    {
        internal ExitException(string message, int exitCode) : base(message)
        {
            ExitCode = exitCode;
        }

        /// <summary>The status the program passed to <c>proc_exit</c>.</summary>
        public int ExitCode { get; }
    }
}
