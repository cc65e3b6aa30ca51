using System.Globalization;
using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace Chain.State.Transactions;

/// <summary>What is wrong with a protobuf encoding: the first error that stops decoding, and the first departure from
/// the canonical encoding, each naming the field by its path (e.g. <c>auth_info.fee.amount[0].denom</c>).</summary>
public readonly record struct WireFormatProblems(string? Malformed, string? NonCanonical);

/// <summary>
/// Explains why bytes did not decode as a message, or did not re-encode to themselves, by walking the protobuf wire
/// format against the message's descriptor. Written here because Google.Protobuf's parser reports only a generic
/// wire error (no field path) and discards what makes an encoding non-canonical; no package reports either by field.
/// It only explains: acceptance stays with the parser and the re-encoding comparison, and it runs only after one of
/// those refused a tx, never on the path of a good tx. Linear in the input (bounded by the tx size limit) with nesting
/// bounded by <see cref="MaxDepth"/>; it never allocates by a length read from the input.
/// </summary>
public static class WireFormatDiagnosis
{
    /// <summary>Nesting deeper than this is reported as malformed (Google.Protobuf's own limit is 100).</summary>
    public const int MaxDepth = 100;

    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLength = 2;
    private const int WireStartGroup = 3;
    private const int WireEndGroup = 4;
    private const int WireFixed32 = 5;

    public static WireFormatProblems Diagnose(ReadOnlySpan<byte> bytes, MessageDescriptor descriptor)
    {
        string? nonCanonical = null;
        var malformed = Walk(bytes, descriptor, string.Empty, 0, isMapEntry: false, ref nonCanonical);
        return new WireFormatProblems(malformed, nonCanonical);
    }

    /// <summary>Returns the first malformation (which ends the walk); records the first non-canonical encoding seen.</summary>
    private static string? Walk(ReadOnlySpan<byte> data, MessageDescriptor descriptor, string path, int depth, bool isMapEntry, ref string? nonCanonical)
    {
        if (depth > MaxDepth)
        {
            return $"{Describe(path, descriptor)}: messages nested deeper than {MaxDepth}";
        }

        var pos = 0;
        var lastNumber = 0;
        var repeatIndex = 0;
        while (pos < data.Length)
        {
            var tagAt = pos;
            if (!TryReadVarint(data, ref pos, out var tag, out _))
            {
                return $"{Describe(path, descriptor)}: truncated field tag at byte {tagAt}";
            }

            var number = tag >> 3;
            var wireType = (int)(tag & 7);
            if (number == 0 || number > 536_870_911)
            {
                return $"{Describe(path, descriptor)}: invalid field number {number} at byte {tagAt}";
            }

            var field = descriptor.FindFieldByNumber((int)number);
            if (field is null)
            {
                if (SkipValue(data, ref pos, wireType) is { } skipError)
                {
                    return $"{Describe(path, descriptor)}: unknown field number {number} at byte {tagAt}: {skipError}";
                }

                nonCanonical ??= $"{Describe(path, descriptor)} has no field number {number} (an unknown field at byte {tagAt}; it is not kept, so the tx would not re-encode to its bytes)";
                lastNumber = (int)number;
                continue;
            }

            repeatIndex = (int)number == lastNumber ? repeatIndex + 1 : 0;
            var fieldPath = Join(path, field.Name) + (field.IsRepeated ? $"[{repeatIndex}]" : string.Empty);
            if ((int)number < lastNumber)
            {
                nonCanonical ??= $"{fieldPath} (field {number}) comes after field {lastNumber}: fields must be written in field-number order";
            }
            else if ((int)number == lastNumber && !field.IsRepeated)
            {
                nonCanonical ??= $"{Join(path, field.Name)} (field {number}) appears more than once: a singular field is written at most once";
            }

            lastNumber = (int)number;
            var checkDefault = !field.IsRepeated && !field.HasPresence && !isMapEntry;
            var expected = ExpectedWireType(field.FieldType);
            if (expected is null)
            {
                return $"{fieldPath}: groups are not supported";
            }

            if (field.IsRepeated && wireType == WireLength && expected != WireLength)
            {
                // Packed repeated scalars: the canonical form of every repeated number in proto3.
                if (!TryReadLength(data, ref pos, out var packed, out var lengthError))
                {
                    return $"{fieldPath}: {lengthError}";
                }

                if (packed.Length == 0)
                {
                    nonCanonical ??= $"{fieldPath}: an empty packed list is written (an empty repeated field is left out)";
                }

                var inner = 0;
                while (inner < packed.Length)
                {
                    if (ReadScalar(packed, ref inner, expected.Value, field, fieldPath, checkDefault: false, ref nonCanonical) is { } error)
                    {
                        return error;
                    }
                }

                continue;
            }

            if (wireType != expected)
            {
                return $"{fieldPath} ({field.FieldType.ToString().ToLowerInvariant()}) has wire type {wireType}, expected {expected}";
            }

            if (field.IsRepeated && expected != WireLength)
            {
                nonCanonical ??= $"{fieldPath}: repeated {field.FieldType.ToString().ToLowerInvariant()} values are written one by one instead of packed";
            }

            if (expected != WireLength)
            {
                if (ReadScalar(data, ref pos, expected.Value, field, fieldPath, checkDefault, ref nonCanonical) is { } error)
                {
                    return error;
                }

                continue;
            }

            if (!TryReadLength(data, ref pos, out var value, out var error2))
            {
                return $"{fieldPath}: {error2}";
            }

            switch (field.FieldType)
            {
                case FieldType.String:
                    if (!Utf8.IsValid(value))
                    {
                        return $"{fieldPath}: string is not valid UTF-8";
                    }

                    if (checkDefault && value.Length == 0)
                    {
                        nonCanonical ??= DefaultMessage(fieldPath, "\"\"");
                    }

                    break;
                case FieldType.Bytes:
                    if (checkDefault && value.Length == 0)
                    {
                        nonCanonical ??= DefaultMessage(fieldPath, "empty bytes");
                    }

                    break;
                default:
                    if (Walk(value, field.MessageType, fieldPath, depth + 1, field.IsMap, ref nonCanonical) is { } nested)
                    {
                        return nested;
                    }

                    break;
            }
        }

        return null;
    }

    private static string? ReadScalar(ReadOnlySpan<byte> data, ref int pos, int wireType, FieldDescriptor field, string fieldPath, bool checkDefault, ref string? nonCanonical)
    {
        switch (wireType)
        {
            case WireVarint:
                if (!TryReadVarint(data, ref pos, out var v, out var minimal))
                {
                    return $"{fieldPath}: truncated or over-long varint";
                }

                if (!minimal)
                {
                    nonCanonical ??= $"{fieldPath}: varint is not in its shortest form";
                }

                if (field.FieldType == FieldType.Bool && v > 1)
                {
                    nonCanonical ??= $"{fieldPath}: bool is encoded as {v}, not 1";
                }

                if (checkDefault && v == 0)
                {
                    nonCanonical ??= DefaultMessage(fieldPath, "0");
                }

                return null;
            case WireFixed64:
            case WireFixed32:
                var size = wireType == WireFixed64 ? 8 : 4;
                if (data.Length - pos < size)
                {
                    return $"{fieldPath}: truncated {size}-byte value";
                }

                if (checkDefault && data.Slice(pos, size).IndexOfAnyExcept((byte)0) < 0)
                {
                    nonCanonical ??= DefaultMessage(fieldPath, "0");
                }

                pos += size;
                return null;
            default:
                return $"{fieldPath}: unexpected wire type {wireType}";
        }
    }

    private static string DefaultMessage(string fieldPath, string value) =>
        $"{fieldPath} is written at its default value ({value}); canonical encoding leaves fields at their default value out";

    private static string? SkipValue(ReadOnlySpan<byte> data, ref int pos, int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                return TryReadVarint(data, ref pos, out _, out _) ? null : "truncated varint";
            case WireFixed64:
            case WireFixed32:
                var size = wireType == WireFixed64 ? 8 : 4;
                if (data.Length - pos < size)
                {
                    return $"truncated {size}-byte value";
                }

                pos += size;
                return null;
            case WireLength:
                return TryReadLength(data, ref pos, out _, out var error) ? null : error;
            case WireStartGroup:
            case WireEndGroup:
                return "groups are not supported";
            default:
                return $"invalid wire type {wireType}";
        }
    }

    private static bool TryReadLength(ReadOnlySpan<byte> data, ref int pos, out ReadOnlySpan<byte> value, out string error)
    {
        value = default;
        var at = pos;
        if (!TryReadVarint(data, ref pos, out var length, out _))
        {
            error = $"truncated length at byte {at}";
            return false;
        }

        var left = data.Length - pos;
        if (length > (ulong)left)
        {
            error = $"length {length} at byte {at} runs past the end of its message ({left} bytes left)";
            return false;
        }

        value = data.Slice(pos, (int)length);
        pos += (int)length;
        error = string.Empty;
        return true;
    }

    /// <summary>Reads a base-128 varint of at most 10 bytes; <paramref name="minimal"/> is false for a padded one.</summary>
    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value, out bool minimal)
    {
        value = 0;
        minimal = true;
        for (var i = 0; i < 10; i++)
        {
            if (pos >= data.Length)
            {
                return false;
            }

            var b = data[pos++];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                minimal = i == 0 || b != 0;
                return true;
            }
        }

        return false;
    }

    private static int? ExpectedWireType(FieldType type) => type switch
    {
        FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64 or FieldType.SInt32 or FieldType.SInt64
            or FieldType.Bool or FieldType.Enum => WireVarint,
        FieldType.Fixed64 or FieldType.SFixed64 or FieldType.Double => WireFixed64,
        FieldType.Fixed32 or FieldType.SFixed32 or FieldType.Float => WireFixed32,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireLength,
        _ => null,
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Describe(string path, MessageDescriptor descriptor) =>
        path.Length == 0 ? descriptor.FullName : string.Create(CultureInfo.InvariantCulture, $"{path} ({descriptor.FullName})");
}
