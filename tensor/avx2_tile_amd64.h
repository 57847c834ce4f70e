// Macros shared by the 6×16 AVX2 micro-kernels (sgemmAVX2, sgemmAVX2RowA):
// Y0..Y11 hold the tile, row r in Y(2r) (columns 0-7) and Y(2r+1) (8-15);
// DX = c, R11 = c + 3 rows, R8 = ldc in bytes.

// AVX2_ZERO12 clears the tile's accumulators.
#define AVX2_ZERO12 \
	VXORPS Y0, Y0, Y0; \
	VXORPS Y1, Y1, Y1; \
	VXORPS Y2, Y2, Y2; \
	VXORPS Y3, Y3, Y3; \
	VXORPS Y4, Y4, Y4; \
	VXORPS Y5, Y5, Y5; \
	VXORPS Y6, Y6, Y6; \
	VXORPS Y7, Y7, Y7; \
	VXORPS Y8, Y8, Y8; \
	VXORPS Y9, Y9, Y9; \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11

// AVX2_ACCUM12 adds the 6×16 floats of c into the tile.
#define AVX2_ACCUM12 \
	VADDPS (DX), Y0, Y0; \
	VADDPS 32(DX), Y1, Y1; \
	VADDPS (DX)(R8*1), Y2, Y2; \
	VADDPS 32(DX)(R8*1), Y3, Y3; \
	VADDPS (DX)(R8*2), Y4, Y4; \
	VADDPS 32(DX)(R8*2), Y5, Y5; \
	VADDPS (R11), Y6, Y6; \
	VADDPS 32(R11), Y7, Y7; \
	VADDPS (R11)(R8*1), Y8, Y8; \
	VADDPS 32(R11)(R8*1), Y9, Y9; \
	VADDPS (R11)(R8*2), Y10, Y10; \
	VADDPS 32(R11)(R8*2), Y11, Y11

// AVX2_STORE12 stores the tile to c.
#define AVX2_STORE12 \
	VMOVUPS Y0, (DX); \
	VMOVUPS Y1, 32(DX); \
	VMOVUPS Y2, (DX)(R8*1); \
	VMOVUPS Y3, 32(DX)(R8*1); \
	VMOVUPS Y4, (DX)(R8*2); \
	VMOVUPS Y5, 32(DX)(R8*2); \
	VMOVUPS Y6, (R11); \
	VMOVUPS Y7, 32(R11); \
	VMOVUPS Y8, (R11)(R8*1); \
	VMOVUPS Y9, 32(R11)(R8*1); \
	VMOVUPS Y10, (R11)(R8*2); \
	VMOVUPS Y11, 32(R11)(R8*2)
