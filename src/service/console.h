// The export service's web console, served without authentication at / (HTML), /console.js
// and /console.css. The page is static: it talks to the /v1 API from the browser with the
// API token the user enters (kept in sessionStorage, or handed over once in the URL fragment
// as #token=ect_…). It loads nothing else, no CDN and no web fonts, and has no inline script
// or style, so it works under the CSP `default-src 'self'` the server sends.
//
// Stable hooks for automation (conformance/console): #token, #save-token, #tenant,
// #runs tbody tr[data-run-id][data-status], #profile-select, #start-run, #run-detail,
// #run-detail [data-field=status], #verification ("verified" or the failure message),
// .download[data-file][data-digest], #error (the latest API error; hidden when none).
#pragma once

#include <string_view>

namespace ec::service {

std::string_view ConsoleHtml();  // text/html; charset=utf-8
std::string_view ConsoleJs();    // application/javascript; charset=utf-8
std::string_view ConsoleCss();   // text/css; charset=utf-8

}  // namespace ec::service
