"""The names of FHIR resource types (R4, R4B and R5), to tell a FHIR file by its content.

A JSON object whose `resourceType` is one of these is a FHIR resource. Rows of other
well-formed types (`[A-Z][A-Za-z]+`, a profile's own or a later release's) are read
generically all the same; only detection needs a known name, so that a plain JSON table
with a `resourceType` column of its own stays a plain table.
"""

from __future__ import annotations

import re

_NAMES = """
    Account ActivityDefinition ActorDefinition AdministrableProductDefinition
    AdverseEvent AllergyIntolerance Appointment AppointmentResponse ArtifactAssessment
    AuditEvent Basic Binary BiologicallyDerivedProduct
    BiologicallyDerivedProductDispense BodyStructure Bundle CapabilityStatement CarePlan
    CareTeam CatalogEntry ChargeItem ChargeItemDefinition Citation Claim ClaimResponse
    ClinicalImpression ClinicalUseDefinition CodeSystem Communication
    CommunicationRequest CompartmentDefinition Composition ConceptMap Condition
    ConditionDefinition Consent Contract Coverage CoverageEligibilityRequest
    CoverageEligibilityResponse DetectedIssue Device DeviceAssociation DeviceDefinition
    DeviceDispense DeviceMetric DeviceRequest DeviceUsage DeviceUseStatement
    DiagnosticReport DocumentManifest DocumentReference EffectEvidenceSynthesis
    Encounter EncounterHistory Endpoint EnrollmentRequest EnrollmentResponse
    EpisodeOfCare EventDefinition Evidence EvidenceReport EvidenceVariable
    ExampleScenario ExplanationOfBenefit FamilyMemberHistory Flag FormularyItem
    GenomicStudy Goal GraphDefinition Group GuidanceResponse HealthcareService
    ImagingSelection ImagingStudy Immunization ImmunizationEvaluation
    ImmunizationRecommendation ImplementationGuide Ingredient InsurancePlan
    InventoryItem InventoryReport Invoice Library Linkage List Location
    ManufacturedItemDefinition Measure MeasureReport Media Medication
    MedicationAdministration MedicationDispense MedicationKnowledge MedicationRequest
    MedicationStatement MedicinalProduct MedicinalProductAuthorization
    MedicinalProductContraindication MedicinalProductDefinition
    MedicinalProductIndication MedicinalProductIngredient MedicinalProductInteraction
    MedicinalProductManufactured MedicinalProductPackaged MedicinalProductPharmaceutical
    MedicinalProductUndesirableEffect MessageDefinition MessageHeader MolecularSequence
    NamingSystem NutritionIntake NutritionOrder NutritionProduct Observation
    ObservationDefinition OperationDefinition OperationOutcome Organization
    OrganizationAffiliation PackagedProductDefinition Parameters Patient PaymentNotice
    PaymentReconciliation Permission Person PlanDefinition Practitioner PractitionerRole
    Procedure Provenance Questionnaire QuestionnaireResponse RegulatedAuthorization
    RelatedPerson RequestGroup RequestOrchestration Requirements ResearchDefinition
    ResearchElementDefinition ResearchStudy ResearchSubject RiskAssessment
    RiskEvidenceSynthesis Schedule SearchParameter ServiceRequest Slot Specimen
    SpecimenDefinition StructureDefinition StructureMap Subscription SubscriptionStatus
    SubscriptionTopic Substance SubstanceDefinition SubstanceNucleicAcid
    SubstancePolymer SubstanceProtein SubstanceReferenceInformation
    SubstanceSourceMaterial SubstanceSpecification SupplyDelivery SupplyRequest Task
    TerminologyCapabilities TestPlan TestReport Transport ValueSet VerificationResult
    VisionPrescription
"""
RESOURCE_TYPES = frozenset(_NAMES.split())
TYPE_SHAPE = re.compile(r"[A-Z][A-Za-z]{0,63}")


def is_type_name(value: object) -> bool:
    """A well-formed resource type name (known or not)."""
    return isinstance(value, str) and TYPE_SHAPE.fullmatch(value) is not None
