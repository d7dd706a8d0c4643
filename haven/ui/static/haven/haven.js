// Haven's JavaScript: enhancement only, every page works without it.
// Loaded with type="module", so it runs only in browsers that GOV.UK Frontend supports, and
// it replaces GOV.UK Frontend's inline body script so that pages need no inline script (CSP).
import { initAll as initGovuk } from './govuk-frontend.min.js'
import { initAll as initMoj } from './moj-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovuk()
initMoj()

// Content that htmx swaps in gets its components started too. htmx also fires htmx:load for
// the whole body when it starts, which is already done above.
document.addEventListener('htmx:load', (event) => {
  const scope = event.target
  if (!(scope instanceof Element) || scope === document.body) return
  initGovuk({ scope })
  initMoj(scope)
})
