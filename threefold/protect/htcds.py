"""The HTCDS 2.0 vocabulary Threefold's case data uses: picklist values verbatim, so exports need no mapping.

Pure Python (no Django import). Labels are English, marked with ``gettext_noop`` so that ``makemessages`` collects
them; pages translate them when they show them.
Where the standard is inconsistent (``../shared/reference/htcds.md``), the choice made is written next to it.
"""

from __future__ import annotations

from collections.abc import Mapping


def gettext_noop(message: str) -> str:
    """Marks a label for translation catalogues without importing Django; translated where it is shown."""
    return message


# prs_Gender
GENDER: Mapping[str, str] = {
    "Feminine": gettext_noop("Feminine"),
    "Masculine": gettext_noop("Masculine"),
    "TransgenderFeminine": gettext_noop("Transgender feminine"),
    "TransgenderMasculine": gettext_noop("Transgender masculine"),
    "NonConforming": gettext_noop("Non-conforming"),
    "NonSpecifiedUnknown": gettext_noop("Not specified or unknown"),
}

# vic_TraffickingStatus
TRAFFICKING_STATUS: Mapping[str, str] = {
    "PossibleVictimOfTrafficking": gettext_noop("Possible victim of trafficking"),
    "ActualVictimOfTrafficking": gettext_noop("Victim of trafficking (decided)"),
    "NotAVictimOfTrafficking": gettext_noop("Not a victim of trafficking"),
}

# vic_TraffickingStatusDecisionMakingOrg
DECISION_MAKER: Mapping[str, str] = {
    "Police": gettext_noop("Police"),
    "NGO": gettext_noop("Non-governmental organisation"),
    "CourtOrProsecution": gettext_noop("Court or prosecution"),
    "NonPoliceGovernmentalOrganization": gettext_noop("Government body other than the police"),
    "Other": gettext_noop("Other"),
}

# vic_RelationshipToTrafficker. The standard spells the third value "Unaquainted"; it is kept verbatim so that
# exports match the standard's picklist, and shown correctly spelt.
RELATIONSHIP_TO_TRAFFICKER: Mapping[str, str] = {
    "Familial": gettext_noop("Family member"),
    "Acquainted": gettext_noop("Someone they knew"),
    "Unaquainted": gettext_noop("A stranger"),
}

# vic_MethodOfRecruitment
METHOD_OF_RECRUITMENT: Mapping[str, str] = {
    "AtAPlaceOfBusiness": gettext_noop("At a place of business"),
    "AtAnEducationalInstitution": gettext_noop("At a school or college"),
    "AtWork": gettext_noop("At work"),
    "ThroughOnlineSocialNetworks": gettext_noop("Through online social networks"),
    "ThroughAnOnlineAdvertisement": gettext_noop("Through an online advertisement"),
    "ThroughATelevisionAdvert": gettext_noop("Through a television advert"),
    "ThroughANewspaperAdvert": gettext_noop("Through a newspaper advert"),
    "ThroughFamilyOrFamilyEvents": gettext_noop("Through family or family events"),
    "ThroughFriendsOrSocialEvents": gettext_noop("Through friends or social events"),
    "Other": gettext_noop("Other"),
}

# vic_MethodsOfControl. The picklist (16 values) and the field definitions (17) disagree: the definitions add
# RestrictsMovement and UsesChildren, which CTDC's microdata uses. Both are kept, so no method a caseworker sees
# is missing; "DebtBondage" is stored without the source's trailing space.
METHODS_OF_CONTROL: Mapping[str, str] = {
    "PhysicalThreats": gettext_noop("Threats of physical harm"),
    "ThreatsLawEnforcement": gettext_noop("Threats of police or immigration action"),
    "ThreatensChildrenFamily": gettext_noop("Threats against children or family"),
    "DebtBondage": gettext_noop("Debt bondage"),
    "FalsePromises": gettext_noop("False promises"),
    "PhysicalAbuse": gettext_noop("Physical abuse"),
    "SexualAbuse": gettext_noop("Sexual abuse"),
    "TakesEarnings": gettext_noop("Takes earnings"),
    "RestrictsFinancialAccess": gettext_noop("Restricts access to money"),
    "RestrictsMedicalCare": gettext_noop("Restricts medical care"),
    "WithholdsNecessities": gettext_noop("Withholds necessities"),
    "PsychologicalAbuse": gettext_noop("Psychological abuse"),
    "PsychoactiveSubstance": gettext_noop("Psychoactive substances"),
    "ExcessiveWorkingHours": gettext_noop("Excessive working hours"),
    "WithholdsDocuments": gettext_noop("Withholds documents"),
    "RestrictsMovement": gettext_noop("Restricts movement"),
    "UsesChildren": gettext_noop("Uses children"),
    "Other": gettext_noop("Other"),
}

# vic_TypeOfExploitation
TYPE_OF_EXPLOITATION: Mapping[str, str] = {
    "ForcedLabour": gettext_noop("Forced labour"),
    "SexualExploitation": gettext_noop("Sexual exploitation"),
    "ChildLabour": gettext_noop("Child labour"),
    "ForcedMarriage": gettext_noop("Forced marriage"),
    "Servitude": gettext_noop("Servitude"),
    "ForcedMilitaryByNonStateActors": gettext_noop("Forced military service by non-state actors"),
    "OrganRemoval": gettext_noop("Organ removal"),
    "ForcedBegging": gettext_noop("Forced begging"),
    "ForcedAdoption": gettext_noop("Forced adoption"),
    "Surrogacy": gettext_noop("Surrogacy"),
    "Other": gettext_noop("Other"),
}

# vic_ForcedLabourIndustry: the 21 sections of ISIC Rev. 4.
FORCED_LABOUR_INDUSTRY: Mapping[str, str] = {
    "A_AgricultureForestryAndFishing": gettext_noop("A. Agriculture, forestry and fishing"),
    "B_MiningAndQuarrying": gettext_noop("B. Mining and quarrying"),
    "C_Manufacturing": gettext_noop("C. Manufacturing"),
    "D_ElectricityGasSteamAndAirConditioningSupply": gettext_noop(
        "D. Electricity, gas, steam and air conditioning supply"
    ),
    "E_WaterSupplySewerageWasteManagementAndRemediationActivities": gettext_noop(
        "E. Water supply; sewerage, waste management and remediation"
    ),
    "F_Construction": gettext_noop("F. Construction"),
    "G_WholesaleAndRetailTradeRepairOfMotorVehiclesAndMotorcycles": gettext_noop(
        "G. Wholesale and retail trade; repair of motor vehicles"
    ),
    "H_TransportationAndStorage": gettext_noop("H. Transportation and storage"),
    "I_AccommodationAndFoodServiceActivities": gettext_noop("I. Accommodation and food service activities"),
    "J_InformationAndCommunication": gettext_noop("J. Information and communication"),
    "K_FinancialAndInsuranceActivities": gettext_noop("K. Financial and insurance activities"),
    "L_RealEstateActivities": gettext_noop("L. Real estate activities"),
    "M_ProfessionalScientificAndTechnicalActivities": gettext_noop(
        "M. Professional, scientific and technical activities"
    ),
    "N_AdministrativeAndSupportServiceActivities": gettext_noop(
        "N. Administrative and support service activities"
    ),
    "O_PublicAdministrationAndDefenceCompulsorySocialSecurity": gettext_noop(
        "O. Public administration and defence; compulsory social security"
    ),
    "P_Education": gettext_noop("P. Education"),
    "Q_HumanHealthAndSocialWorkActivities": gettext_noop("Q. Human health and social work activities"),
    "R_ArtsEntertainmentAndRecreation": gettext_noop("R. Arts, entertainment and recreation"),
    "S_OtherServiceActivities": gettext_noop("S. Other service activities"),
    "T_ActivitiesOfHouseholdsAsEmployers": gettext_noop(
        "T. Activities of households as employers (domestic work)"
    ),
    "U_ActivitiesOfExtraterritorialOrganizations": gettext_noop(
        "U. Activities of extraterritorial organisations"
    ),
}

# vic_TypeOfSexExploitation
TYPE_OF_SEX_EXPLOITATION: Mapping[str, str] = {
    "Prostitution": gettext_noop("Prostitution"),
    "Pornography": gettext_noop("Pornography"),
    "RemoteInteractiveServices": gettext_noop("Remote interactive services"),
    "PrivateSexualServices": gettext_noop("Private sexual services"),
}

# hte_Type: the places and dates of a trafficking journey.
EVENT_TYPE: Mapping[str, str] = {
    "Recruitment": gettext_noop("Recruitment"),
    "Transit": gettext_noop("Transit"),
    "Exploitation": gettext_noop("Exploitation"),
}


def unknown_values(values: object, allowed: Mapping[str, str]) -> list[str]:
    """The values of a list that are not in a picklist (for validation messages); a non-list is all wrong."""
    if not isinstance(values, list | tuple):
        return [repr(values)]
    return [str(value) for value in values if value not in allowed]
