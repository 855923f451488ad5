EBEAM=18 \
  PBEAM=275 \
  DETECTOR_VERSION=26.02.0 \
  DETECTOR_CONFIG=epic_craterlake \
  JUG_XL_TAG=26.02.0-stable \
  COPYRECO=true \
  COPYFULL=false \
  COPYLOG=true \
  USERUCIO=true \
  X509_USER_PROXY=secrets/x509_user_proxy \
  OUT_RSE=BNL-XRD \
  CSV_FILE=/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10 \
  scripts/submit_csv.sh osg_csv hepmc3 /volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10 2
