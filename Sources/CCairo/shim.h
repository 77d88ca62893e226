// Chart rendering to PNG.
#pragma once
#include <cairo/cairo.h>
