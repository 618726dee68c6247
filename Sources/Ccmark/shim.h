#ifndef RUNBOOK_CCMARK_SHIM_H
#define RUNBOOK_CCMARK_SHIM_H
#include <stdlib.h>
#include <cmark.h>
#endif
