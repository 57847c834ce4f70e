// The AVX-512 BF16 instructions that the Go assembler does not know, as
// their EVEX encodings (Intel SDM vol. 2: EVEX.512.F3.0F38.W0 52 /r for
// VDPBF16PS, EVEX.512.F2.0F38.W0 72 /r for VCVTNE2PS2BF16), register
// operands only, registers given by number (0-31). In the Intel operand
// order of the SDM: dst, src1 (EVEX.vvvv), src2 (ModRM.rm). The P0 byte
// holds the inverted high register bits R, X, B and R' and the opcode map
// (0F38); P1 the inverted src1 and the prefix (F3 or F2); P2 the vector
// length (512), the inverted fifth bit of src1 and no masking.
#define EVEXP0(d, s2) BYTE $0x62; BYTE $(0xF2 ^ ((d&8)<<4) ^ ((s2&8)<<2) ^ ((s2&16)<<2) ^ (d&16))
#define EVEXP2(s1) BYTE $(0x40 | (((s1&16)^16)>>1))
#define MODRM(d, s2) BYTE $(0xC0 | ((d&7)<<3) | (s2&7))

// VDPBF16PS(d, s1, s2): for each fp32 lane i of Zd,
// Zd[i] += s1.bf16[2i+1]·s2.bf16[2i+1] + s1.bf16[2i]·s2.bf16[2i].
#define VDPBF16PS(d, s1, s2) EVEXP0(d, s2); BYTE $(0x06 | ((15-(s1&15))<<3)); EVEXP2(s1); BYTE $0x52; MODRM(d, s2)

// VCVTNE2PS2BF16(d, s1, s2): Zd's 32 words = bfloat16 of the 16 floats of
// Zs2 (words 0-15), then of Zs1 (words 16-31), rounded to nearest even.
#define VCVTNE2PS2BF16(d, s1, s2) EVEXP0(d, s2); BYTE $(0x07 | ((15-(s1&15))<<3)); EVEXP2(s1); BYTE $0x72; MODRM(d, s2)
