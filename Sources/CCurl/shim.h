#ifndef CALLHIST_CCURL_SHIM_H
#define CALLHIST_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic and
// cannot be called from Swift: one non-variadic wrapper per argument kind.
typedef size_t (*callhist_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode callhist_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode callhist_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode callhist_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode callhist_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode callhist_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode callhist_easy_setopt_callback(CURL *h, CURLoption o, callhist_curl_data_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode callhist_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode callhist_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode callhist_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode callhist_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode callhist_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLSHcode callhist_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }

// The CA bundle this libcurl was built to trust (NULL when it has none).
static inline const char *callhist_default_cainfo(void) {
  curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
  return d ? d->cainfo : NULL;
}

// Macros with casts that Swift cannot import.
static inline long callhist_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }
#endif
