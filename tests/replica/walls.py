from tests.replica.server import Response
MAINTENANCE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Przerwa techniczna</title></head>
<body><div class="content"><h1>Przerwa techniczna</h1><p>Trwają prace serwisowe. Serwis będzie dostępny wkrótce. Przepraszamy za utrudnienia i zapraszamy ponownie za kilka minut.</p>
<p>We are performing scheduled maintenance. The site will be back shortly.</p></div></body></html>"""
CAPTCHA = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div class="main-content"><h1>Sprawdzamy, czy jesteś człowiekiem</h1><p>Zanim przejdziesz dalej, potwierdź, że nie jesteś robotem. Ta weryfikacja chroni serwis przed automatycznym ruchem.</p>
<form id="challenge-form" action="/cdn-cgi/challenge-platform/h/b/orchestrate" method="POST"><div class="g-recaptcha" data-sitekey="x"></div><input type="submit" value="Dalej"></form></div></body></html>"""
CONSENT = """<!DOCTYPE html><html><head><title>Zanim przejdziesz do serwisu</title></head><body>
<div id="consent-wall" class="article-content"><h1>Twoja prywatność</h1><p>Ta strona korzysta z plików cookie oraz podobnych technologii. Kliknij „Akceptuję”, aby wyrazić zgodę na przetwarzanie danych zgodnie z RODO i przejść do serwisu.</p>
<p>Zgodę możesz wycofać w każdej chwili w ustawieniach prywatności.</p><button>Akceptuję</button></div></body></html>"""
