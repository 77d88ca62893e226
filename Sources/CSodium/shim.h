// Ed25519 verification for Discord interaction signatures.
#pragma once
#include <sodium.h>
