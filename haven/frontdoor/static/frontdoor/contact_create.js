// Recording a contact: Enter in the "find a child" box finds, it does not submit the contact.
// Without JavaScript the Find button does the same through the server (it is the form's first
// button, so Enter there presses it); with it, htmx draws the matches in place and sends the
// children already ticked, which come back ticked.
const find = document.getElementById('find')

if (find) {
  find.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing) return
    event.preventDefault()
    if (window.htmx) {
      window.htmx.trigger(find, 'search')
    } else {
      // htmx did not load: let the server find, as without JavaScript.
      const button = find.form && find.form.querySelector('[name="find_children"]')
      if (button) button.click()
    }
  })
}
