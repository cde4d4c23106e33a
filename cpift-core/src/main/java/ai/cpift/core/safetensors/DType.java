package ai.cpift.core.safetensors;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of the safetensors format. Floating types take part in the numerics
 * (they are read as float32); the others are carried through unchanged.
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    // 8-bit floats are recognised so such files open, but no numerics are defined on them here.
    F8_E4M3(1, false),
    F8_E5M2(1, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    /** True for the types the numerics read as float32: F64, F32, F16, BF16. */
    public boolean isFloating() {
        return floating;
    }

    /** The name as written in a safetensors header. */
    public String headerName() {
        return name();
    }

    public static Optional<DType> fromHeaderName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** Parses a dtype given by a user or a config ("bf16", "bfloat16", "F32", "float16"...). */
    public static DType parseUserName(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "f32", "float32", "float" -> F32;
            case "f16", "float16", "half" -> F16;
            case "bf16", "bfloat16" -> BF16;
            case "f64", "float64", "double" -> F64;
            default -> throw new IllegalArgumentException("dtype '" + name
                    + "' is not a floating type this platform writes: use one of f32, f16, bf16, f64");
        };
    }

    /** The name Hugging Face's config.json uses for {@code torch_dtype}. */
    public String torchName() {
        return switch (this) {
            case F64 -> "float64";
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
