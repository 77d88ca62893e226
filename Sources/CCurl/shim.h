// HTTP client (Discord REST, analyst backends).
#pragma once
#include <curl/curl.h>
