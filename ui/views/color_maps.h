#pragma once
// Moved to ui/figures/color_maps.h (the QtGui-only library the image exports share with the views); this header
// keeps the old include path working until its users include the new one.
#include "ui/figures/color_maps.h"
