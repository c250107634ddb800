using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("Petrel")]
[assembly: AssemblyDescription("The .NET binding of the Petrel WebAssembly runtime")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyInformationalVersion("0.1.0")]
[assembly: InternalsVisibleTo("Petrel.Tests")]
[assembly: InternalsVisibleTo("ScenarioRunner")]
[assembly: InternalsVisibleTo("Bench")]
