// A small JSON reader for the tests and the scenario runner (netstandard2.0 has
// no System.Text.Json, and the library itself stays dependency-free). Objects
// are Dictionary<string, object> (key order kept in a side list), arrays
// List<object>, numbers double or the exact text (NumberText), strings string,
// true/false bool, null null.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Petrel.Tests
{
    public sealed class JsonNumber
    {
        public JsonNumber(string text)
        {
            Text = text;
        }

        public string Text { get; }

        public double Value => double.Parse(Text, CultureInfo.InvariantCulture);

        public override string ToString() => Text;
    }

    public static class MiniJson
    {
        public static object Parse(string text)
        {
            var i = 0;
            var v = Value(text, ref i);
            Skip(text, ref i);
            if (i != text.Length)
            {
                throw new FormatException("trailing characters at " + i);
            }
            return v;
        }

        private static void Skip(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }
        }

        private static object Value(string s, ref int i)
        {
            Skip(s, ref i);
            if (i >= s.Length)
            {
                throw new FormatException("unexpected end");
            }
            var c = s[i];
            if (c == '{')
            {
                i++;
                var d = new Dictionary<string, object>();
                Skip(s, ref i);
                if (s[i] == '}')
                {
                    i++;
                    return d;
                }
                while (true)
                {
                    Skip(s, ref i);
                    var k = Str(s, ref i);
                    Skip(s, ref i);
                    Expect(s, ref i, ':');
                    d[k] = Value(s, ref i);
                    Skip(s, ref i);
                    if (s[i] == ',')
                    {
                        i++;
                        continue;
                    }
                    Expect(s, ref i, '}');
                    return d;
                }
            }
            if (c == '[')
            {
                i++;
                var l = new List<object>();
                Skip(s, ref i);
                if (s[i] == ']')
                {
                    i++;
                    return l;
                }
                while (true)
                {
                    l.Add(Value(s, ref i));
                    Skip(s, ref i);
                    if (s[i] == ',')
                    {
                        i++;
                        continue;
                    }
                    Expect(s, ref i, ']');
                    return l;
                }
            }
            if (c == '"')
            {
                return Str(s, ref i);
            }
            if (s.Length - i >= 4 && string.CompareOrdinal(s, i, "true", 0, 4) == 0)
            {
                i += 4;
                return true;
            }
            if (s.Length - i >= 5 && string.CompareOrdinal(s, i, "false", 0, 5) == 0)
            {
                i += 5;
                return false;
            }
            if (s.Length - i >= 4 && string.CompareOrdinal(s, i, "null", 0, 4) == 0)
            {
                i += 4;
                return null;
            }
            var start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0)
            {
                i++;
            }
            if (i == start)
            {
                throw new FormatException("unexpected character '" + c + "' at " + i);
            }
            return new JsonNumber(s.Substring(start, i - start));
        }

        private static void Expect(string s, ref int i, char c)
        {
            if (i >= s.Length || s[i] != c)
            {
                throw new FormatException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private static string Str(string s, ref int i)
        {
            Expect(s, ref i, '"');
            var b = new StringBuilder();
            while (true)
            {
                var c = s[i++];
                if (c == '"')
                {
                    return b.ToString();
                }
                if (c != '\\')
                {
                    b.Append(c);
                    continue;
                }
                var e = s[i++];
                switch (e)
                {
                    case 'n': b.Append('\n'); break;
                    case 't': b.Append('\t'); break;
                    case 'r': b.Append('\r'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'u':
                        b.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber));
                        i += 4;
                        break;
                    default: b.Append(e); break;
                }
            }
        }
    }
}
