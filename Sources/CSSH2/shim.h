// SSH transport to the head node, optionally through a bastion.
#pragma once
#include <libssh2.h>
