// The hello example: a host function called from wasm (examples/hello.wat).
//
// Prints "Hello, world!", then "run() = 42". Usage: mono hello.exe [PATH/TO/hello.wat]
// (default: examples/hello.wat found from the current directory upwards).

using System;
using System.IO;
using Petrel;

public static class Hello
{
    public static int Main(string[] args)
    {
        var path = args.Length > 0 ? args[0] : Find("examples/hello.wat");
        using (var engine = new Engine())
        using (var module = Module.FromFile(engine, path))
        using (var store = new Store(engine))
        using (var linker = new Linker(engine))
        {
            linker.DefineFunction("host", "hello", () => Console.WriteLine("Hello, world!"));
            var instance = linker.Instantiate(store, module);
            var run = instance.GetFunction<int>("run");
            Console.WriteLine("run() = " + run());
        }
        return 0;
    }

    private static string Find(string relative)
    {
        for (var dir = Directory.GetCurrentDirectory(); dir != null; dir = Path.GetDirectoryName(dir))
        {
            var p = Path.Combine(dir, relative);
            if (File.Exists(p))
            {
                return p;
            }
        }
        throw new FileNotFoundException(relative);
    }
}
