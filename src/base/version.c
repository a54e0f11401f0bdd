/* version.c — tarn_version() from include/tarn.h; the number comes from CMake's project(). */
#include "tarn.h"

const char *tarn_version(void)
{
    return TARN_VERSION;
}
