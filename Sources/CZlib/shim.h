// PNG compression for the charts (deflate and CRC-32).
#pragma once
#include <zlib.h>
