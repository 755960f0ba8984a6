// The proposal page's words, [French, English], and which of them explains each refusal's code.
import { addStrings } from "../../i18n.js";

addStrings({
  "propose.title": ["Faire une proposition", "Put forward an idea"],
  "propose.language": ["Langue de votre proposition", "Language of your proposal"],
  "propose.label": ["Votre proposition, qui commence par « {prefix} »", "Your proposal, which begins with “{prefix}”"],
  "propose.hint": ["Une seule idée, claire et concrète : de {min} à {max} caractères en comptant « {prefix} ».", "One clear, concrete idea: {min} to {max} characters, counting “{prefix}”."],
  "propose.count": ["{count} caractères sur {max}", "{count} of {max} characters"],
  "propose.short": ["{count} caractères sur {max} : encore {n} au minimum", "{count} of {max} characters: at least {n} more"],
  "propose.over": ["{count} caractères sur {max} : {n} de trop", "{count} of {max} characters: {n} too many"],
  "propose.similar": ["Des propositions proches existent déjà. Vous pouvez soutenir l'une d'elles plutôt que d'en écrire une nouvelle :", "Similar proposals already exist. You can back one of them instead of writing a new one:"],
  "propose.similar_found": ["{n} proposition proche trouvée, sous le champ.", "{n} similar proposal found, below the field."],
  "propose.similar_found.other": ["{n} propositions proches trouvées, sous le champ.", "{n} similar proposals found, below the field."],
  "propose.agree": ["Je soutiens", "I agree"],
  "propose.agreed": ["Vous la soutenez.", "You back it."],
  "propose.submit": ["Envoyer ma proposition", "Send my proposal"],
  "propose.sent": ["Merci ! Votre proposition a été envoyée ; elle sera publiée après modération.", "Thank you! Your proposal was sent; it will be published once moderated."],
  "propose.mine": ["Vos propositions", "Your proposals"],
  "propose.none": ["Vous n'avez encore rien proposé.", "You have not proposed anything yet."],
  "propose.sent_on": ["Envoyée le {date}", "Sent on {date}"],
  "propose.empty": ["Écrivez votre idée après les premiers mots.", "Write your idea after the opening words."],
  "propose.too_short": ["C'est trop court : au moins {min_length} caractères, en comptant le début.", "This is too short: at least {min_length} characters, counting the opening words."],
  "propose.too_long": ["C'est trop long : au plus {max_length} caractères, en comptant le début.", "This is too long: at most {max_length} characters, counting the opening words."],
  "propose.html": ["Écrivez en texte simple, sans balises HTML.", "Write plain text, without HTML tags."],
  "propose.control_character": ["Le texte contient un caractère invisible ; écrivez sur une seule ligne, en texte simple.", "The text contains an invisible character; write plain text on one line."],
  "propose.repeated_characters": ["Le texte répète un même caractère ; exprimez votre idée en mots.", "The text repeats one character over and over; put your idea in words."],
  "propose.consultation_not_open": ["La consultation n'accepte pas de propositions en ce moment.", "The consultation is not taking proposals right now."],
  "propose.hourly_cap_reached": ["Vous avez fait beaucoup de propositions en une heure ; la prochaine sera la bienvenue dans {wait}.", "You have made many proposals within an hour; the next one is welcome in {wait}."],
  "propose.proposal_cap_reached": ["Vous avez fait {limit} propositions, le maximum pour cette consultation. Merci !", "You have made {limit} proposals, the most this consultation takes. Thank you!"],
  "propose.sending": ["Envoi…", "Sending…"],
  "propose.sent_changed": ["Votre première version a été envoyée. Le texte modifié depuis n'est pas encore envoyé : envoyez-le s'il s'agit d'une autre idée.", "Your first version was sent. The text you changed since has not been sent: send it if it is another idea."],
  "propose.yours_already": ["Vous avez déjà envoyé cette proposition ({status}).", "You have already sent this proposal ({status})."],
  "propose.original": ["Elle existe déjà : « {text} »", "It already exists: “{text}”"],
  "propose.original_pending": ["Une proposition identique attend déjà la modération.", "An identical proposal is already awaiting moderation."],
  "propose.missing_prefix": ["La proposition doit commencer par « {prefix} ».", "The proposal must begin with “{prefix}”."],
  "propose.unsupported_language": ["Cette langue n'est pas proposée par la consultation.", "The consultation does not take this language."],
  "propose.idempotency_key_reused": ["Le texte a changé pendant l'envoi ; envoyez-le de nouveau.", "The text changed while it was being sent; send it again."],
  "propose.too_many_proposals_from_network": ["Beaucoup de propositions viennent de votre réseau en ce moment. Réessayez dans {wait}.", "Many proposals are coming from your network right now. Try again in {wait}."],
});

export const ERRORS = Object.fromEntries(
  [
    "empty", "too_short", "too_long", "html", "control_character", "repeated_characters", "missing_prefix", "unsupported_language",
    "consultation_not_open", "hourly_cap_reached", "proposal_cap_reached", "idempotency_key_reused", "too_many_proposals_from_network",
  ].map((code) => [code, `propose.${code}`]),
);
