// A stand-in bcryptprimitives.dll for TESTING UNDER WINE 8 ONLY; never shipped.
//
// Go 1.24 and later take their random numbers from ProcessPrng in
// bcryptprimitives.dll, which every Windows 10 and 11 has and Wine 8.0
// (Debian 12) lacks: a Go program stops at start-up with "bcryptprimitives.dll
// not found". This forwards to RtlGenRandom (SystemFunction036 in advapi32),
// which Wine has. scripts/test-windows.sh builds it with mingw-w64 and copies
// it into the throwaway wine prefix.
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n)) {
			return FALSE;
		}
		data += n;
		len -= n;
	}
	return TRUE;
}
