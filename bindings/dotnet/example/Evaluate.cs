// Opens a configuration, evaluates one request and prints the response:
//   mono Evaluate.exe examples/config.yaml examples/requests/evaluate-CQJT-2026-014.json
using System;
using System.IO;
using System.Text;
using Firstset;

static class Evaluate
{
    static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        try
        {
            using (var engine = new Engine(args[0]))
                Console.WriteLine(engine.Evaluate(File.ReadAllText(args[1], Encoding.UTF8)));
            return 0;
        }
        catch (FirstsetException e)
        {
            Console.Error.WriteLine("{0} {1} {2}: {3}", e.StatusName, e.Code, e.Path, e.Message);
            return 1;
        }
    }
}
