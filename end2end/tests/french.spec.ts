import { APP_URL } from '../env';
import {
  createAgreement, expect, invitationLink, openHydrated, test, waitForMail, waitHydrated,
} from './helpers';

const PASSWORD = 'Mot-De-Passe-2026';

test.describe('in French', () => {
  test.use({ locale: 'fr-FR' });

  test("une administratrice crée son compte et voit son tableau de bord", async ({ page }) => {
    const agreement = createAgreement({ language: 'fr', country: 'FR', firstName: 'Chloé' });
    const email = agreement.email.toLowerCase();

    const [mail] = await waitForMail(email);
    expect(mail.subject).toBe("Découvrez le nouveau Centre d'affaires");
    expect(mail.text).toContain(agreement.number);
    expect(mail.text).toMatch(/Ce lien expire le \d{1,2} \S+ \d{4}/);
    expect(mail.html).toContain('Démarrer maintenant');

    await openHydrated(page, invitationLink(mail));
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.getByRole('heading', { name: "Créer votre compte d'organisation" })).toBeVisible();
    await expect(page.getByLabel('ADRESSE E-MAIL')).toHaveValue(email);
    await expect(page.getByLabel('PRÉNOM')).toHaveValue('Chloé');
    await expect(page.getByLabel('PAYS/RÉGION')).toHaveValue('FR');

    await page.getByLabel('Créer un mot de passe').fill('court');
    await expect(page.locator('#field-password-error')).toHaveText('Utilisez au moins 12 caractères.');
    await page.getByLabel('Créer un mot de passe').fill(PASSWORD);
    await page.getByLabel('Confirmer votre mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Démarrer' }).click();

    await expect(page).toHaveURL(`${APP_URL}/dashboard`);
    await waitHydrated(page);
    await expect(page.getByRole('heading', { name: 'Bienvenue, Chloé' })).toBeVisible();
    await expect(page.getByText(agreement.organization)).toBeVisible();

    await expect(page.locator('header summary')).toHaveText(`Chloé ${agreement.lastName}`);
    await page.locator('header summary').click();
    await page.getByRole('link', { name: 'Mon profil' }).click();
    await expect(page).toHaveURL(`${APP_URL}/profile`);
    const profile = page.locator('dl.profile');
    await expect(profile).toContainText('Français');
    await expect(profile).toContainText('France');
    await expect(profile).toContainText('Administrateur de compte');
  });
});

test('the language switch works before signing in', async ({ page }) => {
  await openHydrated(page, '/sign-in');
  await expect(page.getByLabel('EMAIL ADDRESS')).toBeVisible();
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page).toHaveURL(`${APP_URL}/sign-in`);
  await waitHydrated(page);
  await expect(page.getByLabel('ADRESSE E-MAIL')).toBeVisible();
  await expect(page.getByRole('link', { name: "Vous n'avez pas reçu votre e-mail d'invitation ? Cliquez ici." })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await waitHydrated(page);
  await expect(page.getByLabel('EMAIL ADDRESS')).toBeVisible();
});
