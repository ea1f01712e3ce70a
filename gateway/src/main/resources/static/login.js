// The login form posts the CSRF token the gateway set in the XSRF-TOKEN cookie (the page itself is static).
'use strict';

const cookie = (name) => document.cookie.split('; ').find((c) => c.startsWith(name + '='))?.slice(name.length + 1) || '';
const params = new URLSearchParams(location.search);
const message = document.querySelector('#login-message');
if (params.has('error')) {
  message.className = 'error';
  message.textContent = 'Unknown account or wrong token.';
} else if (params.has('logout')) {
  message.textContent = 'Logged out.';
}
document.querySelector('#login-form').addEventListener('submit', () => {
  document.querySelector('#csrf').value = decodeURIComponent(cookie('XSRF-TOKEN'));
});
