// Progressive enhancement only: every page works without this script.
// The GOV.UK template marks the body with an inline script; the content security policy allows
// none, so it is done here (a browser that runs this module supports what GOV.UK Frontend needs).
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
